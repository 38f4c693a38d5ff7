// Retrieval scoring (spec §3): one pass over [candidates ; retrieval vectors]; the score of a candidate
// is the last layer's attention of the retrieval rows to it, mean over heads, mean over rows. The
// probabilities stay in the graph, so the answer loss reaches them through the soft top-C weights.
import type { ModelConfig } from "./config.ts";
import { passLayout } from "./compressor.ts";
import { scoringMask } from "./mask.ts";
import { type AdapterParams, type BaseParams, forward } from "./model.ts";
import { type Arr, jx } from "./tensor/backend.ts";

/** How candidates are scored (see README "Decisions"). */
export interface ScoreOptions {
  /** Center the candidates over the candidate set and rescale each to RMS 1 before the pass. */
  center?: boolean;
  /**
   * "prob" (default, the repo's read-out): arithmetic mean of the attention probabilities over heads
   * and RET rows. "logit": softmax over the candidates of beta × the mean attention log-probability
   * (= the mean attention logit up to a per-row constant), so one head's evidence is not washed out by
   * the others' and the scale is not tied to the logit magnitude the LoRA can build.
   */
  mode?: "prob" | "logit";
  /** Inverse temperature of the "logit" mode (default 4). */
  beta?: number;
  /** Read one head only (default: mean over heads). */
  head?: number;
  /**
   * With `center`: subtract this FIXED vector [D] (the mean root over training episodes, stored in the
   * model file) instead of the candidate-set mean, so a centered node depends on itself only and its
   * per-layer K/V can be cached (host-forward.ts).
   */
  mean?: number[];
  /** With `center` in training: subtract the mean over the whole batch (≈ the fixed mean) instead. */
  batchMean?: boolean;
}

/**
 * Candidates minus their mean over the set (or a fixed `mean` [D], or the batch mean), each rescaled to
 * RMS 1 (the shared component carries no ranking).
 */
export function centerCandidates(cand: Arr, o: Pick<ScoreOptions, "mean" | "batchMean"> = {}): Arr {
  const np = jx().numpy;
  const D = cand.shape[2] as number;
  const mu = o.mean
    ? np.array(Float32Array.from(o.mean)).reshape([1, 1, D])
    : np.mean(cand.ref, o.batchMean ? [0, 1] : 1, { keepdims: true });
  const c = cand.sub(mu);
  const rmsv = np.sqrt(np.mean(np.square(c.ref), -1, { keepdims: true }).add(1e-6));
  return c.div(rmsv);
}

/** cand [N,c,D], r [N,nR,D] → scores [N,c] (each row sums to ≤ 1). Consumes cand and r. */
export function scoreCandidates(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  cand0: Arr,
  r: Arr,
  o: ScoreOptions = {},
): Arr {
  const np = jx().numpy;
  const cand = o.center ? centerCandidates(cand0, o) : cand0;
  const [N, c] = cand.shape as [number, number];
  const nR = r.shape[1] as number;
  // candidates share position 0 and see only themselves: scores do not depend on candidate order
  const pos = [...Array.from({ length: c }, () => 0), ...Array.from({ length: nR }, (_, i) => i + 1)];
  const lay = passLayout(cfg, N, pos, scoringMask(c, nR));
  const last = cfg.layers - 1;
  const { hidden, attn } = forward(cfg, p, ad.lora, np.concatenate([cand, r], 1), lay.rope, lay.mask, [last]);
  hidden.dispose();
  lay.rope.cos.dispose();
  lay.rope.sin.dispose();
  const a = attn[0] as Arr; // [N,H,c+nR,c+nR]
  const heads: [] | [number, number] = o.head === undefined ? [] : [o.head, o.head + 1];
  const rows = a.slice([], heads, [c, c + nR], [0, c]); // [N,H',nR,c]
  if (o.mode !== "logit") return np.mean(rows, [1, 2]).reshape([N, c]);
  const lg = np.mean(np.log(rows.add(1e-9)), [1, 2]).reshape([N, c]);
  return jx().nn.softmax(lg.mul(o.beta ?? 4), -1);
}

/** Soft top-C mix weights: softmax over the selected scores / tau, times C (so they average 1). */
export function softTopC(scores: Arr, sel: Arr, tau: number): Arr {
  const { numpy: np, nn } = jx();
  const C = sel.shape[1] as number;
  // sel [N,C,c] one-hot rows of the picked candidates
  const [N, c] = scores.shape as [number, number];
  // (einsum needs iterator helpers that Node 20 lacks: use batched matmul)
  const picked = np.matmul(sel, scores.reshape([N, c, 1])).reshape([N, C]);
  return nn.softmax(picked.mul(1 / tau), -1).mul(C);
}
