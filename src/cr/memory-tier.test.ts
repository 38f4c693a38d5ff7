// The experimental compressed-memory tier on the shipped checkpoint: facts written in the task
// notation are compressed into a forest that survives a store reopen, and a query retrieves the
// segment that answers it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { agent } from "../store/conformance/fixtures.testkit.ts";
import { openSqliteStore } from "../store/index.ts";
import { DEFAULT_MODEL_PATH, loadModel } from "./checkpoint.ts";
import { RetrievalThread } from "./retrieval-thread.ts";
import { CR_TIER, CompressedMemory, decodeNotation, type MemoryText } from "./memory-tier.ts";
import { MemoryDb } from "./memory-db.ts";
import { makeEpisode, makeLifelong } from "./task.ts";
import { buildForest } from "./forest.ts";
import { generateWithRetrieval } from "./generate.ts";
import { VOCAB } from "./config.ts";
import { initTensors } from "./tensor/backend.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

/** Node for node: same ids per level, structure and tokens, vectors within float tolerance. */
function expectSameForest(inc: MemoryDb, whole: MemoryDb): void {
  expect(inc.levels).toEqual(whole.levels);
  let maxDiff = 0;
  for (const w of whole.nodes.values()) {
    const n = inc.get(w.id);
    expect({ level: n.level, chunk: n.chunk, tokens: n.tokens, children: n.children }).toEqual({
      level: w.level,
      chunk: w.chunk,
      tokens: w.tokens,
      children: w.children,
    });
    expect(n.vec.length).toBe(w.vec.length);
    n.vec.forEach((x, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(x - (w.vec[i] as number)));
    });
  }
  expect(maxDiff).toBeLessThan(1e-4);
}

describe("compressed memory tier (experimental)", () => {
  it("persists the hierarchy through the store and retrieves the segment that answers a query", async () => {
    const model = loadModel();
    const path = join(mkdtempSync(join(tmpdir(), "cr-tier-")), "lmos.db");
    const store = await openSqliteStore(path);
    const a = agent();
    await store.createAgent(a, [], []);
    // 16 demos over distinct tags and keys
    const life = makeLifelong(4242, 16, 8);
    const tier = new CompressedMemory(model, store);
    expect(
      await tier.compress(
        a.id,
        life.demos.map((d) => decodeNotation(d)),
      ),
    ).toBe(16);
    await store.close();

    const reopened = await openSqliteStore(path);
    const fresh = new CompressedMemory(model, reopened);
    const db = await fresh.load(a.id);
    expect(db.shape()).toEqual([0, 64, 16, 4, 1]);
    const stored = new Set(life.demos.map((d) => decodeNotation(d)));
    for (const q of life.queries) {
      const r = await fresh.retrieve(a.id, decodeNotation(q.tokens));
      if (!r) throw new Error("no retrieval");
      // top-down: one step per level from the top (L4) to the chunk roots (L2), each through children
      expect(r.retrieval.path.map((s) => s.level)).toEqual([4, 3, 2]);
      for (let i = 1; i < r.retrieval.path.length; i++) {
        const kids = (r.retrieval.path[i - 1]?.kept ?? []).flatMap((id) => db.get(id).children);
        expect(r.retrieval.path[i]?.candidates).toEqual(kids);
      }
      expect(r.segments).toHaveLength(2);
      for (const s of r.segments) expect(stored.has(s)).toBe(true);
    }
    const ext = fresh.extension(async () => decodeNotation((life.queries[0] as { tokens: number[] }).tokens));
    expect(await ext.render(a.id)).toMatch(/^Compressed memory \(experimental\)/);
  });

  it("compresses incrementally: after three jobs the forest is the one built in one go, each job compressing only its new chunks", async () => {
    const model = loadModel();
    const path = join(mkdtempSync(join(tmpdir(), "cr-tier-")), "lmos.db");
    const store = await openSqliteStore(path);
    const a = agent();
    await store.createAgent(a, [], []);
    const demos = makeLifelong(777, 17, 1).demos;
    const texts: MemoryText[] = demos.map((d, i) => ({
      text: decodeNotation(d),
      source: { messageId: `m${i}`, createdAt: `2026-12-0${1 + (i % 3)}T00:00:00.000Z` },
    }));
    const tier = new CompressedMemory(model, store);
    // 5 + 6 + 6 chunks: partial groups at every upper level between the jobs
    expect(await tier.compress(a.id, texts.slice(0, 5))).toBe(5);
    expect(tier.stats).toEqual({ jobs: 1, chunks: 5, upper: 3 }); // L3:0, L3:1, L4:0
    expect(await tier.compress(a.id, texts.slice(5, 11))).toBe(6);
    // 11 roots: L3:0 (roots 0..3) is kept; L3:1 (now 4..7), L3:2 (8..10) and L4:0 are compressed
    expect(tier.stats).toEqual({ jobs: 2, chunks: 11, upper: 6 });
    // a crash after the store write but before the job's cursor moved: the same messages again add nothing
    expect(await tier.compress(a.id, texts.slice(5, 11))).toBe(0);
    expect(tier.stats.chunks).toBe(11);
    // a crash inside the store write (one transaction): nothing of the job is stored, the next job redoes it
    const crashing = {
      getMemoryNodes: store.getMemoryNodes.bind(store),
      putMemoryNodes: async () => {
        throw new Error("crash");
      },
    };
    await expect(new CompressedMemory(model, crashing).compress(a.id, texts.slice(11))).rejects.toThrow(
      "crash",
    );
    await store.close();

    const reopened = await openSqliteStore(path);
    const again = new CompressedMemory(model, reopened);
    expect((await again.load(a.id)).shape()).toEqual([0, 44, 11, 3, 1]);
    expect(await again.compress(a.id, texts.slice(11))).toBe(6);
    // 17 roots: L3:0 and L3:1 kept; L3:2..L3:4, L4:0, L4:1 and L5:0 compressed
    expect(again.stats).toEqual({ jobs: 1, chunks: 6, upper: 6 });
    await reopened.close();

    const stored = await (await openSqliteStore(path)).getMemoryNodes(a.id, CR_TIER);
    const inc = MemoryDb.fromRecords(stored);
    const whole = await buildForest(model.cfg, model.base, model.ad, demos, { upper: true });
    expect(inc.shape()).toEqual([0, 68, 17, 5, 2, 1]);
    expect(inc.shape()).toEqual(whole.shape());
    expectSameForest(inc, whole);
    // provenance: every chunk root keeps its message
    for (const id of inc.levels[2] ?? []) expect(inc.get(id).source?.messageId).toBe(`m${inc.get(id).chunk}`);
  });

  it("compresses incrementally on the worker thread too: same forest, only the new chunks compressed", async () => {
    const model = loadModel();
    const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), "cr-tier-")), "lmos.db"));
    const a = agent();
    await store.createAgent(a, [], []);
    const demos = makeLifelong(778, 9, 1).demos;
    const thread = await RetrievalThread.start(model);
    try {
      const tier = new CompressedMemory(model, store, undefined, { thread, modelPath: DEFAULT_MODEL_PATH });
      expect(await tier.compress(a.id, demos.slice(0, 4).map(decodeNotation))).toBe(4);
      expect(await tier.compress(a.id, demos.slice(4).map(decodeNotation))).toBe(5);
      // job 2: 5 chunks; L3:0 kept, L3:1, L3:2 and L4:0 compressed
      expect(tier.stats).toEqual({ jobs: 2, chunks: 9, upper: 1 + 3 });
      const inc = MemoryDb.fromRecords(await store.getMemoryNodes(a.id, CR_TIER));
      expectSameForest(inc, await buildForest(model.cfg, model.base, model.ad, demos, { upper: true }));
    } finally {
      await thread.close();
      await store.close();
    }
  });

  it("returns the relevant segment: the query's task, and the fact that answers it (setting a)", async () => {
    const model = loadModel();
    const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), "cr-tier-")), "lmos.db"));
    const tier = new CompressedMemory(model, store);
    let relevantFirst = 0;
    let answerBack = 0;
    const n = 8;
    for (let seed = 0; seed < n; seed++) {
      const ep = makeEpisode(seed);
      const a = agent();
      await store.createAgent(a, [], []);
      await tier.compress(
        a.id,
        ep.demos.map((d) => decodeNotation(d)),
      );
      const q = ep.queries[0] as { tokens: number[]; answerDemo: number };
      const r = await tier.retrieve(a.id, decodeNotation(q.tokens));
      if (!r) throw new Error("no retrieval");
      const rel = ep.relevant.map((i) => decodeNotation(ep.demos[i] as number[]));
      if (rel.includes(r.segments[0] as string)) relevantFirst++;
      if (r.segments.includes(decodeNotation(ep.demos[q.answerDemo] as number[]))) answerBack++;
    }
    await store.close();
    // shipped checkpoint (held-out seeds 0..7; chance: 1/3 relevant first, 1/3 answer segment back)
    expect(relevantFirst).toBeGreaterThanOrEqual(6);
    expect(answerBack).toBeGreaterThanOrEqual(6);
  });

  it("serves <call_retrieval> during generation: pauses, retrieves, resumes with the segments in context", async () => {
    const model = loadModel();
    const ep = makeEpisode(11);
    const db = await buildForest(model.cfg, model.base, model.ad, ep.demos);
    const q = ep.queries[0] as { tokens: number[] };
    const g = await generateWithRetrieval(model, db, [...q.tokens, VOCAB.CALL_RET]);
    expect(g.retrievals).toHaveLength(1);
    // [2 retrieved demos (32 raw tokens) ; the question ; what was generated after it]
    expect(g.context.slice(32, 32 + q.tokens.length)).toEqual(q.tokens);
    expect(g.context.length).toBe(32 + q.tokens.length + g.tokens.length);
    expect(g.tokens[0]).toBeGreaterThanOrEqual(VOCAB.LABEL0);
    expect(g.tokens[0]).toBeLessThan(VOCAB.LABEL0 + 3);
  });
});
