// Dev launcher for the long training runs (the CLI `lmos cr train` calls the same functions).
// Usage: STAGE=A|B STEPS=n npx tsx src/cr/scripts/train.ts
import { saveModel } from "../checkpoint.ts";
import { CONFIGS, LORA_SITES } from "../config.ts";
import { initBase } from "../params.ts";
import { DEFAULT_SHAPE } from "../pipeline.ts";
import { initTensors } from "../tensor/backend.ts";
import { trainStageA } from "../train-a.ts";
import { trainStageB } from "../train-b.ts";
import { treeFromHost } from "../tree-io.ts";
import { loadSafetensors } from "../weights.ts";

await initTensors({ threads: Number(process.env.TH ?? 2) });
const cfg = CONFIGS[(process.env.CFG ?? "small") as "small"];
const ckptA = process.env.CKPT ?? "runs/cr/stage-a.safetensors";
if ((process.env.STAGE ?? "A") === "A") {
  await trainStageA({
    cfg,
    steps: Number(process.env.STEPS ?? 1600),
    batch: Number(process.env.B ?? 32),
    lr: Number(process.env.LR ?? 2e-3),
    warmup: 100,
    ckpt: ckptA,
    every: 50,
    evalEvery: 100,
    curriculum: Number(process.env.CURRICULUM ?? 0),
  });
} else {
  const { tensors, meta } = loadSafetensors(ckptA);
  const base = treeFromHost(initBase(cfg), tensors, "p");
  const shape = {
    ...DEFAULT_SHAPE,
    E: Number(process.env.E ?? DEFAULT_SHAPE.E),
    auxWeight: Number(process.env.AUX ?? 1),
    ceWeight: Number(process.env.CE ?? 1),
  };
  const steps = Number(process.env.STEPS ?? 300);
  const ad = await trainStageB({
    cfg,
    base,
    shape,
    rank: 8,
    sites: LORA_SITES,
    steps,
    lr: Number(process.env.LR ?? 3e-3),
    warmup: 20,
    ckpt: process.env.CKPT_B ?? "runs/cr/stage-b.safetensors",
    every: 25,
  });
  const out = process.env.OUT ?? "src/cr/weights/cr-small.safetensors";
  await saveModel(
    out,
    { cfg, base, ad, rank: 8, sites: [...LORA_SITES] },
    {
      steps_a: meta.step ?? "?",
      steps_b: String(steps),
      shape: JSON.stringify(shape),
    },
  );
  console.log(`wrote ${out}`);
}
process.exit(0);
