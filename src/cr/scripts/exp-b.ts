// Dev: a short stage B from the shipped base (fresh adapters) with env-chosen options, then match rate
// on held-out episodes (retrieval only). Usage: STEPS=60 LR=3e-3 CE=0 npx tsx src/cr/scripts/exp-b.ts
import { rmSync } from "node:fs";
import { loadModel } from "../checkpoint.ts";
import { scoreEpisodes } from "../eval-a.ts";
import { DEFAULT_SHAPE } from "../pipeline.ts";
import { topC } from "../retriever.ts";
import { makeEpisode } from "../task.ts";
import { initTensors } from "../tensor/backend.ts";
import { trainStageB } from "../train-b.ts";

await initTensors({ threads: Number(process.env.TH ?? 1) });
const m = loadModel();
const cfg = m.cfg;
const env = (k: string, d: number) => Number(process.env[k] ?? d);
const shape = {
  ...DEFAULT_SHAPE,
  E: env("E", 8),
  auxWeight: env("AUX", 1),
  ceWeight: env("CE", 1),
  ...JSON.parse(process.env.SHAPE ?? "{}"),
};
const ckpt = process.env.CKPT ?? "/tmp/crdbg/exp.safetensors";
if (!process.env.RESUME) rmSync(ckpt, { force: true });
const ad = await trainStageB({
  cfg,
  base: m.base,
  shape,
  rank: 8,
  sites: m.sites,
  steps: env("STEPS", 60),
  lr: env("LR", 3e-3),
  warmup: 5,
  ckpt,
  every: 1000,
});
const eps = Array.from({ length: 300 }, (_, i) => makeEpisode(i));
let match = 0;
for (let i = 0; i < eps.length; i += 100) {
  const res = await scoreEpisodes(cfg, m.base, ad, eps.slice(i, i + 100), 2, shape.score);
  res.forEach((r, j) => {
    match += topC(r.scores, 2).filter((d) => eps[i + j]?.relevant.includes(d)).length / 2;
  });
}
console.log("match_rate", (match / eps.length).toFixed(3), JSON.stringify(shape));
process.exit(0);
