// Dev experiment: does a model learn the 1-demo lookup quickly? (diagnoses the stage-A plateau)
import { packBatch, sequenceFor } from "../batch.ts";
import { CONFIGS } from "../config.ts";
import { rawCorrect } from "../eval-raw.ts";
import { rng } from "../rng.ts";
import { makeEpisode } from "../task.ts";
import { initTensors } from "../tensor/backend.ts";
import { copySeq, trainStageA } from "../train-a.ts";

await initTensors({ threads: 1 });
const cfg = CONFIGS[(process.env.CFG ?? "micro") as "micro"];
const nD = Number(process.env.ND ?? 1);
const T = 16 * nD + 32;
const p = await trainStageA({
  cfg,
  steps: Number(process.env.STEPS ?? 300),
  batch: 32,
  lr: Number(process.env.LR ?? 3e-3),
  warmup: 30,
  ckpt: `/tmp/crdbg/exp-${process.pid}.safetensors`,
  every: 100000,
  evalEvery: 100000,
  lmWeight: Number(process.env.LM ?? 0.3),
  batchFn: (step, B) =>
    packBatch(
      Array.from({ length: B }, (_, i) => {
        if (i < Number(process.env.COPY ?? 0) * B) return copySeq(step * B + i, T);
        const ep = makeEpisode(5_000_000 + step * B + i, { nDemos: nD, nQueries: 8 });
        void rng;
        const s = sequenceFor(ep.demos, ep.queries, true);
        return { ids: s.ids, at: s.at, labels: ep.queries.map((q) => q.label) };
      }),
      T,
    ),
  log: (l) => (l.includes("0/") || l.includes("00/") ? console.log(l) : undefined),
});
const items = Array.from({ length: 200 }, (_, s) => {
  const ep = makeEpisode(s, { nDemos: nD });
  return { demos: ep.demos, query: ep.queries[0] as (typeof ep.queries)[number] };
});
const ok = await rawCorrect(cfg, p, items);
console.log(`acc ${nD}-demo: ${ok.filter(Boolean).length / ok.length}`);
process.exit(0);
