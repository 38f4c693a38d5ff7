// Exact matmul FLOPs of one stage-A training step (forward + backward), counted from the shapes of
// model.ts and lm-step.ts, so the bench can say what share of the CPU's peak the step's matmuls reach.
import type { ModelConfig } from "./config.ts";

/** Matmul FLOPs (2 per multiply-add) of one forward and one backward pass of stage A at B × T. */
export interface StepFlops {
  forward: number;
  backward: number;
  total: number;
}

/**
 * Per layer: x·Wqkv, y·Wo, x·W1, f·W2 and the two attention products (scores Q·Kᵀ, probs·V: each
 * B·H·T·T·dh = B·T·T·D multiply-adds). Around the layers: the one-hot embedding matmul, the token
 * shift (mask-selected previous row [B,T,T]·x, then ·W_shift) and the tied logits h·wteᵀ. The
 * backward of a product needs both operand gradients (2× the forward) except where one side is a
 * constant: the one-hot matrix (only dW) and the shift's selection matrix (only dx).
 */
export function stageAMatmulFlops(cfg: ModelConfig, B: number, T: number): StepFlops {
  const { d: D, ff: F, vocab: V, layers: L } = cfg;
  const N = B * T;
  const layer = 2 * N * D * (3 * D + D + 2 * F) + 2 * 2 * B * T * T * D;
  const embed = 2 * N * V * D;
  const shiftSelect = 2 * B * T * T * D;
  const shiftW = 2 * N * D * D;
  const head = 2 * N * D * V;
  const forward = L * layer + embed + shiftSelect + shiftW + head;
  const backward = 2 * (L * layer + shiftW + head) + embed + shiftSelect;
  return { forward, backward, total: forward + backward };
}

/**
 * Matmul FLOPs the native step (native/cr-step.cpp) actually runs: the same products as
 * stageAMatmulFlops except the two it does not do as matmuls — the embedding is a row gather (no
 * one-hot product) and the token shift selects the previous row by a gather (no [B,T,T]·x product) —
 * so every remaining product has a full 2× backward (both operand gradients).
 */
export function nativeStageAMatmulFlops(cfg: ModelConfig, B: number, T: number): StepFlops {
  const { d: D, ff: F, vocab: V, layers: L } = cfg;
  const N = B * T;
  const forward =
    L * (2 * N * D * (3 * D + D + 2 * F) + 2 * 2 * B * T * T * D) + 2 * N * D * D + 2 * N * D * V;
  return { forward, backward: 2 * forward, total: 3 * forward };
}
