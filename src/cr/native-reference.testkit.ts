// The reference the native stage-A step is checked against: jax-js's loss and gradient (lm-step.ts's
// lmLoss under valueAndGrad, whose ops have finite-difference checks of their own) at flat weights.
import type { SeqBatch } from "./batch.ts";
import type { ModelConfig } from "./config.ts";
import { lmLoss } from "./lm-step.ts";
import { type BaseParams, ropeTables, rowPositions } from "./model.ts";
import { baseToFlat, flatToBase } from "./stage-a-backend.ts";
import { type Arr, jx, read } from "./tensor/backend.ts";

/** jax-js loss and gradient (lm-step.ts's lmLoss under valueAndGrad) at flat weights. */
export async function jaxLossGrad(cfg: ModelConfig, flat: Float32Array, b: SeqBatch, tgt: Float32Array) {
  const { numpy: np, valueAndGrad } = jx();
  const { B, T } = b;
  const rope = ropeTables(rowPositions(B, T), B, T, cfg.d / cfg.heads);
  const [loss, g] = valueAndGrad((pp: BaseParams) =>
    lmLoss(
      cfg,
      pp,
      np.array(b.ids, { dtype: np.int32 }).reshape([B, T]),
      np.greater(np.array(Float32Array.from(b.mask)).reshape([B, 1, T, T]), 0.5),
      rope.cos,
      rope.sin,
      np.array(tgt).reshape([B * T, cfg.vocab]),
    ),
  )(flatToBase(cfg, flat));
  return { loss: (await read(loss as Arr))[0] as number, grad: await baseToFlat(cfg, g as BaseParams) };
}

/** ‖a − b‖ / ‖b‖ over one flat-layout tensor. */
export function relErr(a: Float32Array, b: Float32Array, off: number, n: number): number {
  let e = 0;
  let s = 0;
  for (let i = off; i < off + n; i++) {
    e += ((a[i] as number) - (b[i] as number)) ** 2;
    s += (b[i] as number) ** 2;
  }
  return Math.sqrt(e / Math.max(s, 1e-30));
}
