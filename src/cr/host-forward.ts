// Plain-TypeScript inference forward (no autodiff) for retrieval: the RET-vector pass and the scoring
// pass, same weights and same math as model.ts/scoring.ts (a test checks they agree to 1e-4). Why it
// exists: a jitted jax-js call cost ~3.5 ms for a pass of ≤ 10 tokens (dispatch + wasm round trip, not
// compute: one pass is < 1 MFLOP), so a 5-level walk cost ~18 ms. A candidate node sees only itself at
// position 0, so with raw or fixed-mean-centred candidates its per-layer keys/values depend on the node
// alone and are cached per node vector; a scoring pass then runs only the nR RET rows, up to the last
// layer's attention probabilities. Matmuls run in a wasm SIMD kernel (host-wasm.ts) with LoRA merged.
import type { ScoreOptions } from "./scoring.ts";
import { gelu, rms, rope } from "./host-math.ts";
import type { HostWeights } from "./host-weights.ts";

export { type HostWeights, hostWeights } from "./host-weights.ts";

/** Per-layer keys/values (each [D], heads concatenated) of a sequence's positions. */
interface KV {
  k: Float32Array[];
  v: Float32Array[];
}

/** Where a pass may stop early: after the last layer's K/V ("kv", node cache) or probabilities ("probs"). */
type Stop = "kv" | "probs" | "hidden";

/**
 * Runs rows [T,D] through the model. Row t attends to the cached `prefix` entries (all of them) and to
 * rows ≤ t; positions `pos`; `shiftIn[t]` is the input the token shift adds (null = none). Returns the
 * final-norm hidden states (stop "hidden"), the per-layer K/V of the rows, and the last layer's
 * probabilities [H][T][prefix + T] (stop "probs" or "hidden").
 */
function run(
  w: HostWeights,
  x: Float32Array,
  T: number,
  pos: number[],
  shiftIn: Array<Float32Array | null>,
  prefix: KV[],
  stop: Stop = "hidden",
): { hidden: Float32Array | null; kv: KV; probs: Float32Array[][] } {
  const { d: D, heads: H } = w.cfg;
  const dh = D / H;
  const scale = 1 / Math.sqrt(dh);
  const h = x.slice();
  for (let t = 0; t < T; t++) {
    const s = shiftIn[t];
    if (!s) continue;
    const add = w.linear(s, 1, w.shift);
    for (let i = 0; i < D; i++) h[t * D + i] = (h[t * D + i] as number) + (add[i] as number);
  }
  const kv: KV = { k: [], v: [] };
  const P = prefix.length;
  let probs: Float32Array[][] = [];
  const nL = w.layers.length;
  for (let li = 0; li < nL; li++) {
    const L = w.layers[li] as HostWeights["layers"][number];
    const qkv = w.linear(rms(h, T, D, L.ln1), T, L.qkv);
    const q = new Float32Array(T * D);
    const k = new Float32Array(T * D);
    const v = new Float32Array(T * D);
    for (let t = 0; t < T; t++) {
      q.set(qkv.subarray(t * 3 * D, t * 3 * D + D), t * D);
      k.set(qkv.subarray(t * 3 * D + D, t * 3 * D + 2 * D), t * D);
      v.set(qkv.subarray(t * 3 * D + 2 * D, t * 3 * D + 3 * D), t * D);
      for (let hh = 0; hh < H; hh++) {
        rope(q, t * D + hh * dh, dh, pos[t] as number);
        rope(k, t * D + hh * dh, dh, pos[t] as number);
      }
    }
    kv.k.push(k);
    kv.v.push(v);
    const last = li === nL - 1;
    if (last && stop === "kv") return { hidden: null, kv, probs };
    const y = new Float32Array(T * D);
    const lp: Float32Array[][] = [];
    for (let hh = 0; hh < H; hh++) {
      const rowsP: Float32Array[] = [];
      for (let t = 0; t < T; t++) {
        const n = P + t + 1;
        const sc = new Float32Array(n);
        let mx = -Infinity;
        const qo = t * D + hh * dh;
        for (let j = 0; j < n; j++) {
          const kk = j < P ? ((prefix[j] as KV).k[li] as Float32Array) : k;
          const ko = (j < P ? 0 : (j - P) * D) + hh * dh;
          let s = 0;
          for (let e = 0; e < dh; e++) s += (q[qo + e] as number) * (kk[ko + e] as number);
          s *= scale;
          sc[j] = s;
          if (s > mx) mx = s;
        }
        let z = 0;
        for (let j = 0; j < n; j++) {
          sc[j] = Math.exp((sc[j] as number) - mx);
          z += sc[j] as number;
        }
        for (let j = 0; j < n; j++) {
          const pr = (sc[j] as number) / z;
          sc[j] = pr;
          if (last && stop === "probs") continue;
          const vv = j < P ? ((prefix[j] as KV).v[li] as Float32Array) : v;
          const vo = (j < P ? 0 : (j - P) * D) + hh * dh;
          for (let e = 0; e < dh; e++) y[qo + e] = (y[qo + e] as number) + pr * (vv[vo + e] as number);
        }
        rowsP.push(sc);
      }
      lp.push(rowsP);
    }
    if (last) probs = lp;
    if (last && stop === "probs") return { hidden: null, kv, probs };
    const o = w.linear(y, T, L.o);
    for (let i = 0; i < T * D; i++) h[i] = (h[i] as number) + (o[i] as number);
    const f = gelu(w.linear(rms(h, T, D, L.ln2), T, L.up));
    const dn = w.linear(f, T, L.down);
    for (let i = 0; i < T * D; i++) h[i] = (h[i] as number) + (dn[i] as number);
  }
  return { hidden: rms(h, T, D, w.lnf), kv, probs };
}

/** Retrieval vectors [nR][D] for query tokens: [embed(tokens) ; RET × nR], causal. */
export function hostRetrievalVectors(w: HostWeights, tokens: number[], nR: number): Float32Array[] {
  const D = w.cfg.d;
  const T = tokens.length + nR;
  const x = new Float32Array(T * D);
  tokens.forEach((id, t) => {
    for (let i = 0; i < D; i++) x[t * D + i] = (w.wte[id * D + i] as number) * Math.sqrt(D);
  });
  for (let t = tokens.length; t < T; t++) x.set(w.ret, t * D);
  const shiftIn = Array.from({ length: T }, (_, t) => (t > 0 ? x.slice((t - 1) * D, t * D) : null));
  const pos = Array.from({ length: T }, (_, t) => t);
  const hidden = run(w, x, T, pos, shiftIn, []).hidden as Float32Array;
  return Array.from({ length: nR }, (_, j) =>
    hidden.slice((tokens.length + j) * D, (tokens.length + j + 1) * D),
  );
}

/** Next-token logits [V] after `tokens` (causal, tied head): the decoder's step, on weights without LoRA
 * for the base model. The whole sequence is run each call (contexts here are ≤ ~100 tokens). */
export function hostNextLogits(w: HostWeights, tokens: number[]): Float32Array {
  const D = w.cfg.d;
  const T = tokens.length;
  const x = new Float32Array(T * D);
  tokens.forEach((id, t) => {
    for (let i = 0; i < D; i++) x[t * D + i] = (w.wte[id * D + i] as number) * Math.sqrt(D);
  });
  const shiftIn = Array.from({ length: T }, (_, t) => (t > 0 ? x.slice((t - 1) * D, t * D) : null));
  const pos = Array.from({ length: T }, (_, t) => t);
  const hidden = run(w, x, T, pos, shiftIn, []).hidden as Float32Array;
  const h = hidden.subarray((T - 1) * D, T * D);
  const V = w.cfg.vocab;
  const out = new Float32Array(V);
  for (let v = 0; v < V; v++) {
    let s = 0;
    for (let i = 0; i < D; i++) s += (h[i] as number) * (w.wte[v * D + i] as number);
    out[v] = s;
  }
  return out;
}

/** v minus `mean`, rescaled to RMS 1 (scoring.ts centerCandidates). */
function recentre(v: Float32Array, mean: ArrayLike<number>, D: number): Float32Array {
  const c = v.map((x, i) => x - (mean[i] as number));
  const r = Math.sqrt(c.reduce((a, x) => a + x * x, 0) / D + 1e-6);
  return c.map((x) => x / r);
}

/** Candidates minus their set mean, each rescaled to RMS 1. */
function centered(cand: Float32Array[], D: number): Float32Array[] {
  const m = new Float32Array(D);
  for (const v of cand) for (let i = 0; i < D; i++) m[i] = (m[i] as number) + (v[i] as number) / cand.length;
  return cand.map((v) => recentre(v, m, D));
}

/** A candidate as the scoring pass sees it (after centering) and its per-layer K/V. */
interface NodeEntry {
  vec: Float32Array;
  kv: KV;
}

/** Scores candidate node vectors against retrieval vectors with per-node K/V caching. */
export class HostScorer {
  /** One cache per centering (raw, or a fixed mean): a node's entry depends on the node alone there. */
  #caches = new Map<string, WeakMap<Float32Array, NodeEntry>>();
  constructor(readonly w: HostWeights) {}

  /** The centred vector and per-layer K/V of a candidate node (it sees only itself, at position 0). */
  node(vec: Float32Array, o: ScoreOptions = {}): NodeEntry {
    const key = o.center ? JSON.stringify(o.mean ?? null) : "raw";
    let cache = this.#caches.get(key);
    if (!cache) {
      cache = new WeakMap();
      this.#caches.set(key, cache);
    }
    let e = cache.get(vec);
    if (!e) {
      const v = o.center && o.mean ? recentre(vec, o.mean, this.w.cfg.d) : vec;
      e = { vec: v, kv: run(this.w, v, 1, [0], [null], [], "kv").kv };
      cache.set(vec, e);
    }
    return e;
  }

  /** The per-layer K/V of an uncentered candidate node. */
  nodeKV(vec: Float32Array): KV {
    return this.node(vec).kv;
  }

  /** Scores [c] of candidates `cand` for retrieval vectors `r` (same read-out as scoreCandidates). */
  score(cand: Float32Array[], r: Float32Array[], o: ScoreOptions = {}): number[] {
    const D = this.w.cfg.d;
    const c = cand.length;
    const nR = r.length;
    // set-centered candidates depend on the whole set: their K/V are computed per pass, not cached
    const perSet = o.center && !o.mean;
    const entries = perSet
      ? centered(cand, D).map((v) => ({ vec: v, kv: run(this.w, v, 1, [0], [null], [], "kv").kv }))
      : cand.map((v) => this.node(v, o));
    const cv = entries.map((e) => e.vec);
    const prefix = entries.map((e) => e.kv);
    const x = new Float32Array(nR * D);
    r.forEach((v, j) => {
      x.set(v, j * D);
    });
    // the token shift lets the first RET row see the last candidate's input (mask allows t-1)
    const shiftIn = r.map((_, j) => (j === 0 ? (cv[c - 1] ?? null) : (r[j - 1] as Float32Array)));
    const pos = r.map((_, j) => j + 1);
    const { probs } = run(this.w, x, nR, pos, shiftIn, prefix, "probs");
    const heads = o.head === undefined ? probs : [probs[o.head] as Float32Array[]];
    const out = new Array<number>(c).fill(0);
    const n = heads.length * nR;
    for (const hp of heads)
      for (const row of hp)
        for (let i = 0; i < c; i++)
          out[i] =
            (out[i] as number) +
            (o.mode === "logit" ? Math.log((row[i] as number) + 1e-9) : (row[i] as number)) / n;
    if (o.mode !== "logit") return out;
    const beta = o.beta ?? 4;
    const mx = Math.max(...out);
    const ex = out.map((v) => Math.exp(beta * (v - mx)));
    const z = ex.reduce((a, b) => a + b, 0);
    return ex.map((e) => e / z);
  }
}
