// Host-side batch building: token sequences, masks, label targets for the base LM (stage A) and the
// raw-context evaluations (none / full / k-shot / retrieved raw segments).
import { VOCAB } from "./config.ts";
import { causalMask } from "./mask.ts";
import type { Episode, Query } from "./task.ts";

/** A padded batch of causal sequences with one label position per query. */
export interface SeqBatch {
  B: number;
  T: number;
  ids: Int32Array;
  mask: Uint8Array;
  /** Flat index b*T+t of each query's `=` position, and the label expected there. */
  targets: Array<{ at: number; label: number }>;
  /** Unpadded length of each sequence. */
  lens: number[];
}

/** One sequence: the given demos, then each query (with its label, so later queries see earlier ones). */
export function sequenceFor(
  demos: number[][],
  queries: Query[],
  withLabels = true,
): { ids: number[]; at: number[] } {
  const ids = demos.flat();
  const at: number[] = [];
  for (const q of queries) {
    ids.push(...q.tokens);
    at.push(ids.length - 1);
    if (withLabels) ids.push(q.label, VOCAB.EQ);
  }
  return { ids, at };
}

/** Packs sequences (each with its queries) into a padded causal batch of length T. */
export function packBatch(
  seqs: Array<{ ids: number[]; at: number[]; labels: number[] }>,
  T: number,
): SeqBatch {
  const B = seqs.length;
  const ids = new Int32Array(B * T).fill(VOCAB.PAD);
  const mask = new Uint8Array(B * T * T);
  const targets: SeqBatch["targets"] = [];
  seqs.forEach((s, b) => {
    if (s.ids.length > T) throw new Error(`sequence of ${s.ids.length} tokens exceeds T=${T}`);
    ids.set(s.ids, b * T);
    mask.set(causalMask(T, s.ids.length), b * T * T);
    s.at.forEach((a, i) => {
      targets.push({ at: b * T + a, label: s.labels[i] as number });
    });
  });
  return { B, T, ids, mask, targets, lens: seqs.map((s) => s.ids.length) };
}

/**
 * Target weights [B*T*V] for the cross-entropy: mean over the label targets, plus `lm` × the mean
 * next-token loss over every position (plain LM signal, which helps the lookup circuit form).
 */
export function targetWeights(b: SeqBatch, V: number, lm = 0): Float32Array {
  const w = new Float32Array(b.B * b.T * V);
  for (const t of b.targets) w[t.at * V + t.label] = (w[t.at * V + t.label] as number) + 1 / b.targets.length;
  if (lm > 0) {
    const n = b.lens.reduce((a, l) => a + Math.max(0, l - 1), 0);
    b.lens.forEach((len, i) => {
      for (let t = 0; t < len - 1; t++) {
        const at = (i * b.T + t) * V + (b.ids[i * b.T + t + 1] as number);
        w[at] = (w[at] as number) + lm / n;
      }
    });
  }
  return w;
}

/** Which demos a raw-context evaluation shows for an episode. */
export type RawMode = "none" | "full" | "kshot";

/** The demos shown under a raw mode (k-shot = the relevant ones, in episode order). */
export function demosFor(ep: Episode, mode: RawMode): number[][] {
  if (mode === "none") return [];
  if (mode === "full") return ep.demos;
  return ep.relevant.map((i) => ep.demos[i] as number[]);
}
