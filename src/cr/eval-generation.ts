// `<call_retrieval>` in generation, measured (setting a's held-out episodes): the question alone in the
// context and the episode's demos in the memory store; the model decides to retrieve, the answer is
// generated, with the retrieval synchronous (main thread, decoding paused) and asynchronous (worker
// thread, decoding goes on). Accuracy, how often the model asked, whether the two gave the same tokens,
// and the wall time per answer; with the demos in the context instead, how often it (wrongly) asks.
import type { CrModel } from "./checkpoint.ts";
import { buildForest } from "./forest.ts";
import { type Generation, generateWithRetrieval } from "./generate.ts";
import { RetrievalThread } from "./retrieval-thread.ts";
import { makeEpisode } from "./task.ts";

/** Accuracy, call rate and latency of one timing. */
export interface TimingResult {
  acc: number;
  call_rate: number;
  latency_ms_p50: number;
  latency_ms_mean: number;
  /** Share of answers whose retrieval result arrived after a token had been decoded without it. */
  decoded_before_splice: number;
}

export interface GenerationResult {
  episodes: number;
  sync: TimingResult;
  async: TimingResult;
  /** Share of episodes where both timings generated the same tokens. */
  same_tokens: number;
  /** The 6 demos in the context as well: how often the model still asks, and its accuracy. */
  in_context: { call_rate: number; acc: number };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : 0;
};

function summary(gens: Generation[], labels: number[], ms: number[]): TimingResult {
  const n = Math.max(1, gens.length);
  return {
    acc: gens.filter((g, i) => g.tokens[0] === labels[i]).length / n,
    call_rate: gens.filter((g) => g.events.length > 0).length / n,
    latency_ms_p50: median(ms),
    latency_ms_mean: ms.reduce((a, b) => a + b, 0) / n,
    decoded_before_splice:
      gens.filter((g) => g.events.some((e) => e.splicedAfter > e.requestedAfter)).length / n,
  };
}

/** Runs both timings on held-out episodes 0..episodes-1 (one query each). */
export async function evalGeneration(m: CrModel, o: { episodes: number }): Promise<GenerationResult> {
  const thread = await RetrievalThread.start(m);
  const sync: Generation[] = [];
  const async: Generation[] = [];
  const inCtx: Generation[] = [];
  const msSync: number[] = [];
  const msAsync: number[] = [];
  const labels: number[] = [];
  try {
    for (let seed = 0; seed < o.episodes; seed++) {
      const ep = makeEpisode(seed);
      const q = ep.queries[0];
      if (!q) continue;
      const db = await buildForest(m.cfg, m.base, m.ad, ep.demos);
      await thread.load("episode", db);
      labels.push(q.label);
      // alternate which timing runs first, so neither always gets the warmer caches
      const runs: Array<() => Promise<void>> = [
        async () => {
          const t0 = performance.now();
          sync.push(await generateWithRetrieval(m, db, q.tokens));
          msSync.push(performance.now() - t0);
        },
        async () => {
          const t0 = performance.now();
          async.push(
            await generateWithRetrieval(m, db, q.tokens, { timing: "async", thread, dbName: "episode" }),
          );
          msAsync.push(performance.now() - t0);
        },
      ];
      if (seed % 2) runs.reverse();
      for (const r of runs) await r();
      inCtx.push(await generateWithRetrieval(m, db, [...ep.demos.flat(), ...q.tokens]));
    }
  } finally {
    await thread.close();
  }
  const n = Math.max(1, labels.length);
  const same = sync.filter((g, i) => JSON.stringify(g.tokens) === JSON.stringify(async[i]?.tokens)).length;
  return {
    episodes: labels.length,
    sync: summary(sync, labels, msSync),
    async: summary(async, labels, msAsync),
    same_tokens: same / n,
    in_context: {
      call_rate: inCtx.filter((g) => g.events.length > 0).length / n,
      acc: inCtx.filter((g, i) => g.tokens[0] === labels[i]).length / n,
    },
  };
}
