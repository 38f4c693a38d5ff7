// Plain-TypeScript inference forward (Float32Array, no autodiff) for retrieval: the RET-vector pass
// and the scoring pass, same weights and same math as model.ts/scoring.ts (a test checks they agree to
// 1e-4). Why it exists: bench/cr.bench.ts measured ~3.5 ms per jitted jax-js call for a pass of ≤ 10
// tokens (dispatch + wasm round trip, not compute: one pass is < 1 MFLOP), so a 5-level walk cost
// ~18 ms. Here a candidate node sees only itself at position 0, so its per-layer keys/values depend on
// the node alone and are cached per node vector; a scoring pass then runs only the nR RET rows.
import type { ModelConfig } from "./config.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import type { ScoreOptions } from "./scoring.ts";
import { gelu, mmAdd, rms, rope, transpose } from "./host-math.ts";
import { type Arr, read } from "./tensor/backend.ts";

/** A linear map with its weights TRANSPOSED ([out][in]: dot products with register accumulators ran ~2× faster than axpy loops in V8). */
interface HostLin {
  w: Float32Array;
  a?: Float32Array;
  b?: Float32Array;
  rank: number;
}
interface HostLayer {
  ln1: Float32Array;
  qkv: HostLin;
  o: HostLin;
  ln2: Float32Array;
  up: HostLin;
  down: HostLin;
}
/** Host copies of the base weights and adapters. */
export interface HostWeights {
  cfg: ModelConfig;
  wte: Float32Array;
  shift: Float32Array;
  lnf: Float32Array;
  ret: Float32Array;
  layers: HostLayer[];
}

const host = async (a: Arr) => (await read(a.ref)).slice();

/** Copies the parameter trees to host memory (borrows them). */
export async function hostWeights(cfg: ModelConfig, p: BaseParams, ad: AdapterParams): Promise<HostWeights> {
  const tr = async (w: Arr) => transpose(await host(w), w.shape[0] as number, w.shape[1] as number);
  const lin = async (w: Arr, pair: { a: Arr; b: Arr } | undefined): Promise<HostLin> => ({
    w: await tr(w),
    ...(pair ? { a: await tr(pair.a), b: await tr(pair.b) } : {}),
    rank: pair ? (pair.a.shape[1] as number) : 0,
  });
  const layers: HostLayer[] = [];
  for (const [i, l] of p.layers.entries()) {
    const lo = ad.lora[i] ?? {};
    layers.push({
      ln1: await host(l.ln1),
      qkv: await lin(l.wqkv, lo.qkv),
      o: await lin(l.wo, lo.o),
      ln2: await host(l.ln2),
      up: await lin(l.w1, lo.up),
      down: await lin(l.w2, lo.down),
    });
  }
  return {
    cfg,
    wte: await host(p.wte),
    shift: await tr(p.shift),
    lnf: await host(p.lnf),
    ret: await host(ad.ret),
    layers,
  };
}

/** y[T,O] = x[T,I]·W[I,O] (+ (x·A)·B). */
function linear(x: Float32Array, T: number, I: number, L: HostLin, O: number): Float32Array {
  const y = new Float32Array(T * O);
  mmAdd(x, T, I, L.w, O, y);
  if (L.a && L.b) {
    const t = new Float32Array(T * L.rank);
    mmAdd(x, T, I, L.a, L.rank, t);
    mmAdd(t, T, L.rank, L.b, O, y);
  }
  return y;
}

/** Per-layer keys/values (each [D], heads concatenated) of a sequence's positions. */
interface KV {
  k: Float32Array[];
  v: Float32Array[];
}

/**
 * Runs rows [T,D] through the model. Row t attends to the cached `prefix` entries (all of them) and to
 * rows ≤ t; positions `pos`; `shiftIn[t]` is the input the token shift adds (null = none). Returns the
 * final-norm hidden states, the per-layer K/V of the rows, and the last layer's probabilities
 * [H][T][prefix + T].
 */
function run(
  w: HostWeights,
  x: Float32Array,
  T: number,
  pos: number[],
  shiftIn: Array<Float32Array | null>,
  prefix: KV[],
): { hidden: Float32Array; kv: KV; probs: Float32Array[][] } {
  const { d: D, heads: H } = w.cfg;
  const dh = D / H;
  let h = x.slice();
  for (let t = 0; t < T; t++) {
    const s = shiftIn[t];
    if (!s) continue;
    const add = new Float32Array(D);
    mmAdd(s, 1, D, w.shift, D, add);
    for (let i = 0; i < D; i++) h[t * D + i] = (h[t * D + i] as number) + (add[i] as number);
  }
  const kv: KV = { k: [], v: [] };
  const P = prefix.length;
  let probs: Float32Array[][] = [];
  w.layers.forEach((L, li) => {
    const a = rms(h, T, D, L.ln1);
    const qkv = linear(a, T, D, L.qkv, 3 * D);
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
          s /= Math.sqrt(dh);
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
          const vv = j < P ? ((prefix[j] as KV).v[li] as Float32Array) : v;
          const vo = (j < P ? 0 : (j - P) * D) + hh * dh;
          for (let e = 0; e < dh; e++) y[qo + e] = (y[qo + e] as number) + pr * (vv[vo + e] as number);
        }
        rowsP.push(sc);
      }
      lp.push(rowsP);
    }
    if (li === w.layers.length - 1) probs = lp;
    const o = linear(y, T, D, L.o, D);
    h = h.map((val, i) => val + (o[i] as number));
    const b = rms(h, T, D, L.ln2);
    const f = gelu(linear(b, T, D, L.up, w.cfg.ff));
    const dn = linear(f, T, w.cfg.ff, L.down, D);
    h = h.map((val, i) => val + (dn[i] as number));
  });
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
  const { hidden } = run(w, x, T, pos, shiftIn, []);
  return Array.from({ length: nR }, (_, j) =>
    hidden.slice((tokens.length + j) * D, (tokens.length + j + 1) * D),
  );
}

/** Candidates minus their mean, each rescaled to RMS 1 (scoring.ts centerCandidates). */
function centered(cand: Float32Array[], D: number): Float32Array[] {
  const mean = new Float32Array(D);
  for (const v of cand)
    for (let i = 0; i < D; i++) mean[i] = (mean[i] as number) + (v[i] as number) / cand.length;
  return cand.map((v) => {
    const c = v.map((x, i) => x - (mean[i] as number));
    const r = Math.sqrt(c.reduce((a, x) => a + x * x, 0) / D + 1e-6);
    return c.map((x) => x / r);
  });
}

/** Scores candidate node vectors against retrieval vectors with per-node K/V caching. */
export class HostScorer {
  #cache = new WeakMap<Float32Array, KV>();
  constructor(readonly w: HostWeights) {}

  /** The per-layer K/V of a candidate node (it sees only itself, at position 0). */
  nodeKV(vec: Float32Array): KV {
    let kv = this.#cache.get(vec);
    if (!kv) {
      kv = run(this.w, vec, 1, [0], [null], []).kv;
      this.#cache.set(vec, kv);
    }
    return kv;
  }

  /** Scores [c] of candidates `cand` for retrieval vectors `r` (same read-out as scoreCandidates). */
  score(cand: Float32Array[], r: Float32Array[], o: ScoreOptions = {}): number[] {
    const D = this.w.cfg.d;
    const c = cand.length;
    const nR = r.length;
    // centered candidates depend on the whole set: their K/V are computed per pass, not cached
    const cv = o.center ? centered(cand, D) : cand;
    const prefix = cv.map((v) => (o.center ? run(this.w, v, 1, [0], [null], []).kv : this.nodeKV(v)));
    const x = new Float32Array(nR * D);
    r.forEach((v, j) => {
      x.set(v, j * D);
    });
    // the token shift lets the first RET row see the last candidate's input (mask allows t-1)
    const shiftIn = r.map((_, j) => (j === 0 ? (cv[c - 1] ?? null) : (r[j - 1] as Float32Array)));
    const pos = r.map((_, j) => j + 1);
    const { probs } = run(this.w, x, nR, pos, shiftIn, prefix);
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
