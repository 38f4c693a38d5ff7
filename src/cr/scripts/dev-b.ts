// Dev: a short stage B on a stage-A checkpoint, then small evaluations (pipeline check, not a result).
import { CONFIGS, LORA_SITES } from "../config.ts";
import { evalSettingA } from "../eval-a.ts";
import { evalSettingB } from "../eval-b.ts";
import { initBase } from "../params.ts";
import { initTensors } from "../tensor/backend.ts";
import { trainStageB } from "../train-b.ts";
import { treeFromHost } from "../tree-io.ts";
import { loadSafetensors } from "../weights.ts";

await initTensors({ threads: Number(process.env.TH ?? 1) });
const cfg = CONFIGS.small;
const { tensors } = loadSafetensors(process.argv[2] ?? "runs/cr/stage-a.safetensors");
const base = treeFromHost(initBase(cfg), tensors, "p");
const shape = { E: Number(process.env.E ?? 4), Q: 4, nDemos: 6, C: 2, nR: 2, k: 4, tau: 0.1, auxWeight: 1 };
const ad = await trainStageB({
  cfg,
  base,
  shape,
  rank: 8,
  sites: LORA_SITES,
  steps: Number(process.env.STEPS ?? 20),
  lr: Number(process.env.LR ?? 3e-3),
  warmup: 5,
  ckpt: process.env.CKPT ?? "/tmp/crdbg/b.safetensors",
  every: 10,
});
console.log(JSON.stringify(await evalSettingA(cfg, base, ad, { episodes: Number(process.env.EPS ?? 100) })));
const t0 = performance.now();
console.log(
  JSON.stringify(await evalSettingB(cfg, base, ad, { size: 64, stores: 1, queries: 10 })),
  performance.now() - t0,
);
process.exit(0);
