// Stage B: the end-to-end compressor → retriever → generation loss (spec §7.6), differentiated with
// respect to the adapters only (LoRA + MEM + RET; the base is frozen). Setting (a): E episodes of
// `nDemos` demos (16 tokens each), Q queries each, C demos retrieved per query.
import { compress, passLayout, retrievalVectors } from "./compressor.ts";
import type { ModelConfig } from "./config.ts";
import { causalMask } from "./mask.ts";
import { Q_LEN } from "./task.ts";
import { type AdapterParams, type BaseParams, embedTokens, forward, logits } from "./model.ts";
import { type ScoreOptions, scoreCandidates, softTopC } from "./scoring.ts";
import { type AdamHyper, type AdamState, adamUpdate, globalNorm } from "./tensor/adam.ts";
import { type Arr, jitted, jx } from "./tensor/backend.ts";

export interface CrShape {
  E: number;
  Q: number;
  nDemos: number;
  C: number;
  nR: number;
  k: number;
  tau: number;
  auxWeight: number;
  /** Weight of the answer loss (default 1). */
  ceWeight?: number;
  /** Stage-B batches ask half the queries about the distractor tags (query-dependent retrieval signal). */
  mixTags?: boolean;
  /** Scoring options (centering etc.). */
  score?: ScoreOptions;
}

/** The level-1 blocks [E*nDemos,4,D] and roots [E,nDemos,D] of a batch of demos [E*nDemos,16]. */
export function compressDemos(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  demoIds: Arr,
  s: CrShape,
): [Arr, Arr] {
  const l1 = compress(cfg, p, ad, embedTokens(cfg, p, demoIds), s.k);
  const root = compress(cfg, p, ad, l1.ref, s.k);
  return [l1, root.reshape([s.E, s.nDemos, cfg.d])];
}

/** Broadcast per-episode rows [E,...] to per-query rows [E*Q,...]. */
function perQuery(x: Arr, Q: number): Arr {
  const np = jx().numpy;
  const [E, ...rest] = x.shape as number[];
  return np.broadcastTo(x.reshape([E, 1, ...rest]), [E, Q, ...rest]).reshape([E * Q, ...rest]);
}

/**
 * Loss parts [answerCE, auxRetrievalCE] and the scores. Inputs: demoIds [E*n,16] int, queryIds [E*Q,Q_LEN]
 * int, labels [E*Q,V] one-hot, rel [E*Q,n] (1 on relevant demos). The top-C picks are discrete (taken on
 * stopGradient'ed scores); gradients reach the scores through the soft top-C weights (and the aux loss).
 */
export function crLoss(
  cfg: ModelConfig,
  s: CrShape,
  ad: AdapterParams,
  p: BaseParams,
  demoIds: Arr,
  queryIds: Arr,
  labels: Arr,
  rel: Arr,
): [Arr, Arr] {
  const { numpy: np, nn, lax } = jx();
  const { E, Q, nDemos: n, C, nR, d } = { ...s, d: cfg.d };
  const N = E * Q;
  const [l1, roots] = compressDemos(cfg, p, ad, demoIds, s);
  const qEmb = embedTokens(cfg, p, queryIds);
  const r = retrievalVectors(cfg, p, ad, qEmb.ref, nR);
  const scores = scoreCandidates(cfg, p, ad, perQuery(roots, Q), r, s.score); // [N,n]
  const [, idx] = lax.topK(lax.stopGradient(scores.ref), C, -1);
  const sel = nn.oneHot(idx, n); // [N,C,n]
  const w = softTopC(scores.ref, sel.ref, s.tau); // [N,C]
  const blocks = perQuery(l1.reshape([E, n, 4 * d]), Q); // [N,n,4D]
  const inj = np
    .matmul(sel, blocks)
    .mul(w.reshape([N, C, 1]))
    .reshape([N, C * 4, d]);
  const T = C * 4 + Q_LEN;
  const lay = passLayout(
    cfg,
    N,
    Array.from({ length: T }, (_, i) => i),
    causalMask(T),
  );
  const { hidden } = forward(cfg, p, ad.lora, np.concatenate([inj, qEmb], 1), lay.rope, lay.mask);
  lay.rope.cos.dispose();
  lay.rope.sin.dispose();
  const last = hidden.slice([], T - 1, []); // [N,D]
  const lp = nn.logSoftmax(logits(p, last), -1);
  const ce = np
    .sum(lp.mul(labels))
    .neg()
    .mul(1 / N);
  const mass = np.sum(scores.ref, -1);
  const relMass = np.sum(scores.mul(rel), -1);
  const aux = np.mean(np.log(relMass.div(mass.add(1e-6)).add(1e-6))).neg();
  return [ce, aux];
}

export const ADAM_B: AdamHyper = { b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0 };

/** The jitted stage-B step: (ad, st, p, demoIds, queryIds, labels, rel, lr, c2) → [ce, aux, gnorm, ad', st']. */
export function makeCrStep(cfg: ModelConfig, s: CrShape, clip = 1) {
  const { numpy: np, valueAndGrad, tree } = jx();
  const lossFn = (ad: AdapterParams, p: BaseParams, demoIds: Arr, queryIds: Arr, labels: Arr, rel: Arr) => {
    const [ce, aux] = crLoss(cfg, s, ad, p, demoIds, queryIds, labels, rel);
    tree.dispose([ad, p] as any);
    return [ce.ref.mul(s.ceWeight ?? 1).add(aux.ref.mul(s.auxWeight)), [ce, aux]] as [Arr, [Arr, Arr]];
  };
  return jitted(
    (
      ad: AdapterParams,
      st: AdamState<AdapterParams>,
      p: BaseParams,
      demoIds: Arr,
      queryIds: Arr,
      labels: Arr,
      rel: Arr,
      lr: Arr,
      c2: Arr,
    ) => {
      const [[, parts], g] = valueAndGrad(lossFn, { hasAux: true })(
        tree.ref(ad as any) as AdapterParams,
        p,
        demoIds,
        queryIds,
        labels,
        rel,
      );
      const gn = globalNorm(g);
      const scale = np.minimum(np.reciprocal(gn.ref.add(1e-6)).mul(clip), 1);
      const [ad2, st2] = adamUpdate(ad, g as AdapterParams, st, lr, c2, scale, ADAM_B);
      return [parts[0], parts[1], gn, ad2, st2] as const;
    },
  );
}
