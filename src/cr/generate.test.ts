// `<call_retrieval>` during generation on the shipped model: the model asks for retrieval when the fact
// is not in its context, the asynchronous path (a worker thread, decoding going on) gives the sync path's
// tokens when the model waits for its request and otherwise differs exactly where tokens were decoded
// before the splice; the worker is stopped and its errors reach the caller.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "./checkpoint.ts";
import { VOCAB } from "./config.ts";
import { buildForest } from "./forest.ts";
import { generateWithRetrieval } from "./generate.ts";
import type { MemoryDb } from "./memory-db.ts";
import { RetrievalThread } from "./retrieval-thread.ts";
import { makeEpisode } from "./task.ts";
import { initTensors } from "./tensor/backend.ts";

let thread: RetrievalThread;
const model = () => loadModel();
beforeAll(async () => {
  await initTensors({ threads: 1 });
  thread = await RetrievalThread.start(model());
});
afterAll(async () => {
  await thread.close();
});

async function episodeDb(seed: number): Promise<{ db: MemoryDb; ep: ReturnType<typeof makeEpisode> }> {
  const m = model();
  const ep = makeEpisode(seed);
  return { db: await buildForest(m.cfg, m.base, m.ad, ep.demos), ep };
}

describe("<call_retrieval> during generation", () => {
  it("asks for retrieval when the fact is not in context, answers from the retrieved chunks, and the async path gives the same tokens", async () => {
    const m = model();
    let called = 0;
    let right = 0;
    const n = 8;
    for (let seed = 0; seed < n; seed++) {
      const { db, ep } = await episodeDb(seed);
      const q = ep.queries[0] as (typeof ep.queries)[number];
      const name = `ep${seed}`;
      await thread.load(name, db);
      const sync = await generateWithRetrieval(m, db, q.tokens);
      const async = await generateWithRetrieval(m, db, q.tokens, { timing: "async", thread, dbName: name });
      thread.drop(name);
      if (sync.events.length) called++;
      if (sync.tokens[0] === q.label) right++;
      // the model asked again while its request was pending, so it waited: nothing was decoded without
      // the chunks, and both paths decoded from the same context (the same host walk on either thread)
      expect(async.events.map((e) => e.splicedAfter)).toEqual(async.events.map((e) => e.requestedAfter));
      expect(async.tokens).toEqual(sync.tokens);
      expect(async.context).toEqual(sync.context);
      expect(async.retrievals.map((r) => r.nodes)).toEqual(sync.retrievals.map((r) => r.nodes));
    }
    // held-out seeds 0..7: query alone in context; chance of the right label 1/3
    expect(called).toBe(n);
    expect(right).toBeGreaterThanOrEqual(6);
  });

  it("answers without retrieval when the demos are in context", async () => {
    const m = model();
    let called = 0;
    for (let seed = 0; seed < 8; seed++) {
      const { db, ep } = await episodeDb(seed);
      const q = ep.queries[0] as (typeof ep.queries)[number];
      const g = await generateWithRetrieval(m, db, [...ep.demos.flat(), ...q.tokens]);
      if (g.events.length) called++;
      expect(g.tokens[0]).toBeGreaterThanOrEqual(VOCAB.LABEL0);
    }
    expect(called).toBeLessThanOrEqual(2);
  });

  it("goes on decoding while the worker retrieves: tokens before the splice come from the context without the chunks", async () => {
    const m = model();
    const { db, ep } = await episodeDb(21);
    const q = ep.queries[0] as (typeof ep.queries)[number];
    await thread.load("forced", db);
    // a retrieval forced by the prompt, with the demos in context: the model does not ask again, so
    // decoding goes on while the request is pending
    const prompt = [...ep.demos.flat(), ...q.tokens];
    const g = await generateWithRetrieval(m, db, [...prompt, VOCAB.CALL_RET], {
      timing: "async",
      thread,
      dbName: "forced",
      maxNew: 4,
    });
    const e = g.events[0];
    if (!e) throw new Error("no retrieval");
    const before = await generateWithRetrieval(m, db, prompt, { maxNew: e.splicedAfter });
    expect(g.tokens.slice(0, e.splicedAfter)).toEqual(before.tokens.slice(0, e.splicedAfter));
    // after the splice: the tokens a sync decode from the spliced context gives
    const at = prompt.length - q.tokens.length;
    const chunks = e.retrieval.nodes.flatMap((id) => db.get(id).tokens);
    expect(g.context.slice(at, at + chunks.length)).toEqual(chunks);
    const spliced = [...prompt.slice(0, at), ...chunks, ...q.tokens, ...g.tokens.slice(0, e.splicedAfter)];
    const rest = await generateWithRetrieval(m, db, spliced, { maxNew: 4 - e.splicedAfter });
    if (!g.tokens.slice(0, e.splicedAfter).includes(VOCAB.EQ))
      expect(g.tokens.slice(e.splicedAfter)).toEqual(
        rest.tokens.filter((_, i) => i < g.tokens.length - e.splicedAfter),
      );
  });

  it("surfaces worker errors and cleans the worker up", async () => {
    const m = model();
    const { db, ep } = await episodeDb(3);
    const q = ep.queries[0] as (typeof ep.queries)[number];
    await expect(
      thread.retrieve("no-such-db", q.tokens, { C: 2, nR: 2, targetLevel: 2, tau: 0.1 }),
    ).rejects.toThrow(/no memory database "no-such-db"/);
    const own = await RetrievalThread.start(m);
    await own.load("db", db);
    expect(own.threadId).toBeGreaterThan(0);
    own.crashForTest();
    await expect(
      generateWithRetrieval(m, db, [...q.tokens, VOCAB.CALL_RET], {
        timing: "async",
        thread: own,
        dbName: "db",
      }),
    ).rejects.toThrow(/retrieval worker (failed|exited)/);
    await own.close();
    expect(own.threadId).toBe(-1);
    const again = await RetrievalThread.start(m);
    await again.load("db", db);
    await again.close();
    // stopped: the thread is gone and the event loop is not held open by it
    expect(again.threadId).toBe(-1);
    await expect(again.retrieve("db", q.tokens, { C: 2, nR: 2, targetLevel: 2, tau: 0.1 })).rejects.toThrow(
      /closed/,
    );
  });
});
