// The experimental compressed-memory tier on the shipped checkpoint: facts written in the task
// notation are compressed into a forest that survives a store reopen, and a query retrieves the
// segment that answers it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { agent } from "../store/conformance/fixtures.testkit.ts";
import { openSqliteStore } from "../store/index.ts";
import { loadModel } from "./checkpoint.ts";
import { CompressedMemory, decodeNotation } from "./memory-tier.ts";
import { makeEpisode, makeLifelong } from "./task.ts";
import { buildForest } from "./forest.ts";
import { generateWithRetrieval } from "./generate.ts";
import { VOCAB } from "./config.ts";
import { initTensors } from "./tensor/backend.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

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
