// Dev experiment: can the model learn to copy a repeated random sequence (induction sanity check)?
import { packBatch } from "../batch.ts";
import { CONFIGS } from "../config.ts";
import { rng } from "../rng.ts";
import { initTensors } from "../tensor/backend.ts";
import { trainStageA } from "../train-a.ts";

await initTensors({ threads: 1 });
const cfg = CONFIGS[(process.env.CFG ?? "micro") as "micro"];
const L = 12;
await trainStageA({
  cfg,
  steps: Number(process.env.STEPS ?? 200),
  batch: 32,
  lr: Number(process.env.LR ?? 3e-3),
  warmup: 20,
  ckpt: `/tmp/crdbg/copy-${process.pid}.safetensors`,
  every: 100000,
  evalEvery: 100000,
  lmWeight: 0,
  batchFn: (step, B) =>
    packBatch(
      Array.from({ length: B }, (_, i) => {
        const r = rng(step * B + i + 1);
        const xs = Array.from({ length: L }, () => 12 + Math.floor(r() * 24));
        const ids = [...xs, 3, ...xs];
        const at = Array.from({ length: L - 1 }, (_, j) => L + 1 + j);
        return { ids, at, labels: at.map((a) => ids[a + 1] as number) };
      }),
      2 * L + 1,
    ),
  log: (l) => console.log(l),
});
process.exit(0);
