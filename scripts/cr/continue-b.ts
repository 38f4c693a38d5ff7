// Dev: continues stage B from the shipped model's adapters (fresh Adam moments, fresh training seeds):
// retrieval loss alone for S1 steps (E 16), then end to end to S1 + S2, then writes a model file with
// the fixed centering mean. Usage: S1=300 S2=100 LR1=3e-3 LR2=2e-3 SCORE='{"center":true,"batchMean":true}'
//   DIR=/tmp/crc OUT=/tmp/crc/model.safetensors npx tsx scripts/cr/continue-b.ts
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadModel, saveModel } from "../../src/cr/checkpoint.ts";
import { DEFAULT_SHAPE } from "../../src/cr/pipeline.ts";
import { rootMean } from "../../src/cr/root-mean.ts";
import { adamInit } from "../../src/cr/tensor/adam.ts";
import { initTensors, jx } from "../../src/cr/tensor/backend.ts";
import { trainStageB } from "../../src/cr/train-b.ts";
import { treeToHost } from "../../src/cr/tree-io.ts";
import { saveSafetensors } from "../../src/cr/weights.ts";

await initTensors({ threads: Number(process.env.TH ?? 1) });
const m = loadModel();
const env = (k: string, d: number) => Number(process.env[k] ?? d);
const dir = process.env.DIR ?? "/tmp/crc";
mkdirSync(dir, { recursive: true });
const ckpt = join(dir, "stage-b.safetensors");
const score = JSON.parse(process.env.SCORE ?? '{"center":true,"batchMean":true}');
const shape = { ...DEFAULT_SHAPE, score };
if (!existsSync(ckpt)) {
  const st = adamInit(m.ad);
  const t = await treeToHost(m.ad, "ad");
  await treeToHost(st.m, "m", t);
  await treeToHost(st.v, "v", t);
  saveSafetensors(ckpt, t, { stage: "B", step: "0" });
}
const S1 = env("S1", 300);
const S2 = env("S2", 100);
const seedOffset = 2000;
const common = { cfg: m.cfg, base: m.base, rank: m.rank, sites: m.sites, ckpt, every: 25, seedOffset };
const a1 = await trainStageB({
  ...common,
  shape: { ...shape, E: shape.E * 2, ceWeight: 0 },
  steps: S1,
  lr: env("LR1", 3e-3),
  warmup: 10,
});
jx().tree.dispose(a1 as never);
const ad = await trainStageB({ ...common, shape, steps: S1 + S2, lr: env("LR2", 2e-3), warmup: 10 });
const outScore = score.batchMean ? { center: true, mean: await rootMean(m.cfg, m.base, ad) } : score;
const out = process.env.OUT ?? join(dir, "model.safetensors");
await saveModel(
  out,
  { cfg: m.cfg, base: m.base, ad, rank: m.rank, sites: m.sites },
  {
    steps_a: m.meta.steps_a ?? "?",
    steps_b: `${m.meta.steps_b ?? "?"}+${S1}+${S2}`,
    shape: JSON.stringify({ ...shape, score: outScore }),
    stage_b: `continued from the shipped adapters: ${S1} retrieval-only + ${S2} end-to-end steps, score ${JSON.stringify(score)}`,
  },
);
console.log(`wrote ${out}`);
process.exit(0);
