// Dev: writes a model file from the shipped base and a stage-B checkpoint (adapters + its step), with
// the default stage-B shape; MEAN=1 stores a fixed centering mean (root-mean.ts) in the scoring options.
// Usage: [MEAN=1] npx tsx scripts/cr/ship.ts <stage-b.safetensors> [out] [note]
import { loadModel, saveModel } from "../../src/cr/checkpoint.ts";
import { DEFAULT_SHAPE } from "../../src/cr/pipeline.ts";
import { rootMean } from "../../src/cr/root-mean.ts";
import { initTensors } from "../../src/cr/tensor/backend.ts";
import { loadAdapters } from "../../src/cr/train-b.ts";
import { loadSafetensors } from "../../src/cr/weights.ts";

await initTensors({ threads: 1 });
const [ckpt, out = "src/cr/weights/cr-small.safetensors", note = ""] = process.argv.slice(2);
if (!ckpt) throw new Error("usage: ship.ts <stage-b checkpoint> [out] [note]");
const m = loadModel();
const ad = loadAdapters(m.cfg, ckpt, m.rank, m.sites);
if (!ad) throw new Error(`no checkpoint at ${ckpt}`);
const { meta } = loadSafetensors(ckpt);
const score = process.env.MEAN ? { center: true, mean: await rootMean(m.cfg, m.base, ad) } : m.score;
await saveModel(
  out,
  { cfg: m.cfg, base: m.base, ad, rank: m.rank, sites: m.sites },
  {
    steps_a: m.meta.steps_a ?? "?",
    steps_b: process.env.STEPS_B ?? meta.step ?? "?",
    shape: JSON.stringify({ ...DEFAULT_SHAPE, score }),
    generation: "raw",
    stage_b: note,
  },
);
console.log(`wrote ${out}`);
process.exit(0);
