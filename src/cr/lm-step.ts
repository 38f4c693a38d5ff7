// Stage A: the jitted base-LM training step (full fine-tune, CE on label positions, AdamW, clipping)
// and the matching forward that returns logits for evaluation.
import type { SeqBatch } from "./batch.ts";
import type { ModelConfig } from "./config.ts";
import {
  type BaseParams,
  embedTokens,
  forward,
  logits,
  type Rope,
  ropeTables,
  rowPositions,
} from "./model.ts";
import { type AdamHyper, type AdamState, adamUpdate, globalNorm } from "./tensor/adam.ts";
import { type Arr, jitted, jx } from "./tensor/backend.ts";
import { fast, lend } from "./fast.ts";

/** Mean CE over the weighted targets; consumes every argument. */
export function lmLoss(
  cfg: ModelConfig,
  p: BaseParams,
  ids: Arr,
  mask: Arr,
  cos: Arr,
  sin: Arr,
  tgt: Arr,
): Arr {
  const { numpy: np, nn, tree } = jx();
  const [B, T] = ids.shape as [number, number];
  const x = embedTokens(cfg, p, ids);
  const { hidden } = forward(cfg, p, null, x, { cos, sin }, mask);
  const lp = nn.logSoftmax(logits(p, hidden.reshape([B * T, cfg.d])), -1);
  cos.dispose();
  sin.dispose();
  tree.dispose(p as any);
  return np.sum(lp.mul(tgt)).neg();
}

export const ADAM_A: AdamHyper = { b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.01 };

/** The jitted step: (p, st, ids, mask, cos, sin, tgt, lr, c2) → [loss, gradNorm, p', st']. */
export function makeLmStep(cfg: ModelConfig, clip = 1) {
  const { numpy: np, valueAndGrad, tree } = jx();
  return jitted(
    (
      p: BaseParams,
      st: AdamState<BaseParams>,
      ids: Arr,
      mask: Arr,
      cos: Arr,
      sin: Arr,
      tgt: Arr,
      lr: Arr,
      c2: Arr,
    ) => {
      const [loss, g] = valueAndGrad((pp: BaseParams) => lmLoss(cfg, pp, ids, mask, cos, sin, tgt))(
        tree.ref(p as any) as BaseParams,
      );
      const gn = globalNorm(g);
      const scale = np.minimum(np.reciprocal(gn.ref.add(1e-6)).mul(clip), 1);
      const [p2, st2] = adamUpdate(p, g as BaseParams, st, lr, c2, scale, ADAM_A);
      return [loss, gn, p2, st2] as const;
    },
  );
}

/** The batch arguments of makeLmStep's step after (p, st): ids, mask, rope (borrowed), targets, lr, c2. */
export function lmStepInputs(
  cfg: ModelConfig,
  b: Pick<SeqBatch, "ids" | "mask" | "B" | "T">,
  rope: Rope,
  tgt: Float32Array,
  lr: number,
  c2: number,
) {
  const np = jx().numpy;
  const { B, T } = b;
  return [
    np.array(b.ids, { dtype: np.int32 }).reshape([B, T]),
    np.greater(np.array(Float32Array.from(b.mask)).reshape([B, 1, T, T]), 0.5),
    rope.cos.ref,
    rope.sin.ref,
    np.array(tgt).reshape([B * T, cfg.vocab]),
    np.array(lr),
    np.array(c2),
  ] as const;
}

/** Eager forward of a token batch → logits [B*T, V] (borrows p). */
export function tokenLogits(
  cfg: ModelConfig,
  p: BaseParams,
  ids: Int32Array,
  mask: Uint8Array,
  B: number,
  T: number,
): Arr {
  const np = jx().numpy;
  const rope = ropeTables(rowPositions(B, T), B, T, cfg.d / cfg.heads);
  const x = embedTokens(cfg, p, np.array(ids, { dtype: np.int32 }).reshape([B, T]));
  const m = np.greater(np.array(Float32Array.from(mask)).reshape([B, 1, T, T]), 0.5);
  return fast(cfg).logits(lend(p), [], x, rope.cos, rope.sin, m);
}
