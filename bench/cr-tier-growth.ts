// How the memory tier's compression job cost grows with the agent's history (part of
// `npm run bench -- cr tier`): one CompressedMemory (main thread, the shipped model) receives `jobs`
// compress calls of `perJob` 16-token chunks each, as evictions would send them. Each job is incremental
// (only its new chunks and the upper nodes they change go through the compressor); beside the last job
// the full rebuild that every job did before (buildForest over all chunks so far) is timed at the same
// history, warm (its shapes compiled by a first, untimed run). The store is a Map: the figure is the
// compressor's, not the database's.
import { buildForest } from "../src/cr/forest.ts";
import { CompressedMemory } from "../src/cr/memory-tier.ts";
import { decodeNotation, initTensors, loadModel, makeLifelong } from "../src/cr/index.ts";
import { median } from "../src/cr/eval-b.ts";

export interface TierGrowth {
  jobs: number;
  chunks_per_job: number;
  /** Median wall time of the first 4 and of the last 4 incremental jobs. */
  job_ms_first4_median: number;
  job_ms_last4_median: number;
  /** Chunks and upper nodes the last job gave the compressor. */
  last_job_chunks_compressed: number;
  last_job_upper_compressed: number;
  /** The full rebuild at the last job's history (what each job cost before). */
  rebuild_ms_at_end: number;
  rebuild_chunks_compressed: number;
}

export async function tierGrowth(jobs = 24, perJob = 8): Promise<TierGrowth> {
  await initTensors();
  const model = loadModel();
  const rows = new Map<string, Uint8Array>();
  const store = {
    putMemoryNodes: async (_a: string, _t: string, ns: Array<{ id: string; data: Uint8Array }>) => {
      for (const n of ns) rows.set(n.id, n.data);
    },
    getMemoryNodes: async () => [...rows].map(([id, data]) => ({ id, data })),
  };
  const memory = new CompressedMemory(model, store);
  const demos = makeLifelong(93, jobs * perJob, 1).demos;
  const ms: number[] = [];
  let last = { chunks: 0, upper: 0 };
  for (let j = 0; j < jobs; j++) {
    const before = { ...memory.stats };
    const t0 = performance.now();
    await memory.compress("bench", demos.slice(j * perJob, (j + 1) * perJob).map(decodeNotation));
    ms.push(performance.now() - t0);
    last = { chunks: memory.stats.chunks - before.chunks, upper: memory.stats.upper - before.upper };
  }
  const { cfg, base, ad } = model;
  await buildForest(cfg, base, ad, demos, { upper: true });
  const t0 = performance.now();
  await buildForest(cfg, base, ad, demos, { upper: true });
  const rebuild = performance.now() - t0;
  return {
    jobs,
    chunks_per_job: perJob,
    job_ms_first4_median: +median(ms.slice(0, 4)).toFixed(1),
    job_ms_last4_median: +median(ms.slice(-4)).toFixed(1),
    last_job_chunks_compressed: last.chunks,
    last_job_upper_compressed: last.upper,
    rebuild_ms_at_end: +rebuild.toFixed(1),
    rebuild_chunks_compressed: demos.length,
  };
}
