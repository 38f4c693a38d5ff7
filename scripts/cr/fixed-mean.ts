// Dev: match rate on held-out episodes with set-mean vs fixed-mean centering.
// Usage: npx tsx scripts/cr/fixed-mean.ts [model] [episodes]
import { loadModel } from "../../src/cr/checkpoint.ts";
import { scoreEpisodes } from "../../src/cr/eval-a.ts";
import { topC } from "../../src/cr/retriever.ts";
import { rootMean } from "../../src/cr/root-mean.ts";
import type { ScoreOptions } from "../../src/cr/scoring.ts";
import { makeEpisode } from "../../src/cr/task.ts";
import { initTensors } from "../../src/cr/tensor/backend.ts";

await initTensors({ threads: Number(process.env.TH ?? 1) });
const m = loadModel(process.argv[2] || undefined);
const n = Number(process.argv[3] ?? 1000);
const mean = await rootMean(m.cfg, m.base, m.ad, Number(process.env.MEAN_EPS ?? 200));
const eps = Array.from({ length: n }, (_, i) => makeEpisode(i));
for (const so of [
  { ...m.score, mean: undefined },
  { ...m.score, center: true, mean },
] as ScoreOptions[]) {
  let match = 0;
  for (let i = 0; i < eps.length; i += 100) {
    const res = await scoreEpisodes(m.cfg, m.base, m.ad, eps.slice(i, i + 100), 2, so);
    res.forEach((r, j) => {
      match += topC(r.scores, 2).filter((d) => eps[i + j]?.relevant.includes(d)).length / 2;
    });
  }
  console.log(so.mean ? "fixed-mean" : "set/none", "match_rate", (match / eps.length).toFixed(4));
}
process.exit(0);
