// When to retrieve (spec §3.3: the model decides, by decoding `<call_retrieval>`). The token is taught the
// cheapest way that leaves every other behaviour of the model unchanged: only its row of the tied
// embedding is trained (the token is never an input, so that row only sets the token's output logit), on
// the frozen base's final hidden states at the query position — the target is `<call_retrieval>` where
// the context does not hold the fact asked about (no demos, only other tasks' demos, a hard negative)
// and "not it" where it does (the answer demo alone or with others, the relevant pair, all six). The
// label accuracies (argmax over the 3 labels) are therefore exactly those of the model before.
import { packBatch, sequenceFor } from "./batch.ts";
import type { CrModel } from "./checkpoint.ts";
import { VOCAB } from "./config.ts";
import { fast, lend } from "./fast.ts";
import { embedTokens, ropeTables, rowPositions } from "./model.ts";
import { randInt, rng, shuffle } from "./rng.ts";
import { type Episode, makeEpisode } from "./task.ts";
import { jx, read } from "./tensor/backend.ts";

/** One prompt: the demos in context, the question, and whether the model should call retrieval. */
export interface CallExample {
  demos: number[][];
  query: number[];
  call: boolean;
}

/** The prompts of one episode: with the answer in context (no call) and without it (call). */
export function callExamples(ep: Episode, seed: number): CallExample[] {
  const r = rng(seed * 31 + 5);
  const q = ep.queries[0];
  if (!q || q.answerDemo < 0) return [];
  const ans = ep.demos[q.answerDemo] as number[];
  const other = ep.demos.filter((_, i) => !ep.relevant.includes(i));
  const rel = ep.relevant.map((i) => ep.demos[i] as number[]);
  const pick = (xs: number[][], n: number) => shuffle(r, [...xs]).slice(0, n);
  const ex = (demos: number[][], call: boolean): CallExample => ({ demos, query: q.tokens, call });
  return [
    ex(ep.demos, false),
    ex(shuffle(r, [...rel]), false),
    ex([ans], false),
    ex(shuffle(r, [ans, ...pick(other, 1 + randInt(r, 3))]), false),
    ex([], true),
    ex(pick(other, 1 + randInt(r, 2)), true),
    ex(other, true),
  ];
}

/** Final hidden states [D] of the base model at each example's last position. */
export async function queryHiddens(m: CrModel, xs: CallExample[], bs = 64): Promise<Float32Array[]> {
  const np = jx().numpy;
  const D = m.cfg.d;
  const out: Float32Array[] = [];
  for (let i = 0; i < xs.length; i += bs) {
    const seqs = xs.slice(i, i + bs).map((x) => {
      const s = sequenceFor(x.demos, [{ tokens: x.query, label: 0, tag: 0, key: 0, answerDemo: -1 }], false);
      return { ids: s.ids, at: s.at, labels: [0] };
    });
    // one padded length for every batch: one compiled shape
    const T = 6 * 16 + 2;
    const b = packBatch(seqs, T);
    const rope = ropeTables(rowPositions(b.B, T), b.B, T, D / m.cfg.heads);
    const x = embedTokens(m.cfg, m.base, np.array(b.ids, { dtype: np.int32 }).reshape([b.B, T]));
    const mask = np.greater(np.array(Float32Array.from(b.mask)).reshape([b.B, 1, T, T]), 0.5);
    const h = await read(fast(m.cfg).hidden(lend(m.base), [], x, rope.cos, rope.sin, mask));
    for (const t of b.targets) out.push(h.slice(t.at * D, (t.at + 1) * D));
  }
  return out;
}

/** The largest logit over every token but `<call_retrieval>` (tied head: h·wte[v]). */
function otherMax(wte: Float32Array, h: Float32Array, V: number, D: number): number {
  let best = -Infinity;
  for (let v = 0; v < V; v++) {
    if (v === VOCAB.CALL_RET || v === VOCAB.PAD) continue;
    let s = 0;
    for (let i = 0; i < D; i++) s += (h[i] as number) * (wte[v * D + i] as number);
    if (s > best) best = s;
  }
  return best;
}

/** How often the model calls on examples that should (tpr) and should not (fpr) call. */
export function callRates(
  wte: Float32Array,
  row: Float32Array,
  hs: Float32Array[],
  xs: CallExample[],
  V: number,
): { tpr: number; fpr: number } {
  const D = row.length;
  let tp = 0;
  let fp = 0;
  let P = 0;
  let N = 0;
  hs.forEach((h, i) => {
    let s = 0;
    for (let d = 0; d < D; d++) s += (h[d] as number) * (row[d] as number);
    const calls = s > otherMax(wte, h, V, D);
    if (xs[i]?.call) {
      P++;
      if (calls) tp++;
    } else {
      N++;
      if (calls) fp++;
    }
  });
  return { tpr: tp / Math.max(1, P), fpr: fp / Math.max(1, N) };
}

/**
 * Trains the `<call_retrieval>` row (logistic loss on logit(call) − max other logit, full batch, Adam) on
 * `episodes` training episodes from `seed0` (keep them away from the held-out seeds 0..999). Returns the
 * new row; the caller writes it into wte.
 */
export async function trainCallRow(
  m: CrModel,
  o: { episodes?: number; seed0?: number; steps?: number; lr?: number; margin?: number } = {},
): Promise<{ row: Float32Array; train: { tpr: number; fpr: number }; examples: number }> {
  const seed0 = o.seed0 ?? 3_000_000;
  const xs = Array.from({ length: o.episodes ?? 600 }, (_, i) =>
    callExamples(makeEpisode(seed0 + i), seed0 + i),
  ).flat();
  const hs = await queryHiddens(m, xs);
  const { d: D, vocab: V } = m.cfg;
  const wte = await read(m.base.wte.ref);
  const others = hs.map((h) => otherMax(wte, h, V, D));
  const row = wte.slice(VOCAB.CALL_RET * D, (VOCAB.CALL_RET + 1) * D);
  const mo = new Float32Array(D);
  const vo = new Float32Array(D);
  const lr = o.lr ?? 0.02;
  const margin = o.margin ?? 1;
  for (let step = 1; step <= (o.steps ?? 400); step++) {
    const g = new Float32Array(D);
    hs.forEach((h, i) => {
      let s = 0;
      for (let d = 0; d < D; d++) s += (h[d] as number) * (row[d] as number);
      const y = xs[i]?.call ? 1 : 0;
      // want s − other > margin when calling, < −margin otherwise
      const z = s - (others[i] as number) - (y ? margin : -margin);
      const p = 1 / (1 + Math.exp(-z));
      for (let d = 0; d < D; d++) g[d] = (g[d] as number) + ((p - y) * (h[d] as number)) / hs.length;
    });
    for (let d = 0; d < D; d++) {
      mo[d] = 0.9 * (mo[d] as number) + 0.1 * (g[d] as number);
      vo[d] = 0.999 * (vo[d] as number) + 0.001 * (g[d] as number) ** 2;
      const mh = (mo[d] as number) / (1 - 0.9 ** step);
      const vh = (vo[d] as number) / (1 - 0.999 ** step);
      row[d] = (row[d] as number) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return { row, train: callRates(wte, row, hs, xs, V), examples: xs.length };
}
