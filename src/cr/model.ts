// Decoder-only transformer: pre-RMSNorm, RoPE on explicit positions, GELU MLP, tied embeddings.
// The forward takes input EMBEDDINGS (so memory vectors can be fed back), an arbitrary boolean mask
// and returns the final-norm hidden states plus, on request, attention probabilities per layer/head.
import type { LoraSite, ModelConfig } from "./config.ts";
import { type Arr, jx } from "./tensor/backend.ts";

export interface LayerParams {
  ln1: Arr;
  wqkv: Arr;
  wo: Arr;
  ln2: Arr;
  w1: Arr;
  w2: Arr;
}
/** Base weights; `mem`/`ret` are the learned COM/RET input vectors. */
export interface BaseParams {
  wte: Arr;
  /** Token-shift: each position also receives its previous (mask-allowed) position's input × shift. */
  shift: Arr;
  lnf: Arr;
  layers: LayerParams[];
}
export interface LoraPair {
  a: Arr;
  b: Arr;
}
export type LoraLayer = Partial<Record<LoraSite, LoraPair>>;
/** What stage B trains: the adapters plus the MEM and RET vectors. */
export interface AdapterParams {
  mem: Arr;
  ret: Arr;
  lora: LoraLayer[];
}

/** Precomputed rotary tables for a batch of position ids: cos/sin of shape [B,1,T,dh/2]. */
export interface Rope {
  cos: Arr;
  sin: Arr;
}

/** Position ids 0..T-1 in each of B rows: every sequence starts at position 0 (training, full-context
 * evaluation). */
export function rowPositions(B: number, T: number): Int32Array {
  return Int32Array.from({ length: B * T }, (_, i) => i % T);
}

/** Host rotary tables for positions `pos` (B rows of T ids), head width `dh`: cos/sin [B·T·dh/2]. */
export function ropeHost(
  pos: Int32Array,
  B: number,
  T: number,
  dh: number,
): { cos: Float32Array; sin: Float32Array } {
  const half = dh / 2;
  const c = new Float32Array(B * T * half);
  const s = new Float32Array(B * T * half);
  for (let i = 0; i < B * T; i++) {
    const p = pos[i] ?? 0;
    for (let j = 0; j < half; j++) {
      const ang = p * 10000 ** (-(2 * j) / dh);
      c[i * half + j] = Math.cos(ang);
      s[i * half + j] = Math.sin(ang);
    }
  }
  return { cos: c, sin: s };
}

/** Rotary tables for positions `pos` (B rows of T ids) and head width `dh`. */
export function ropeTables(pos: Int32Array, B: number, T: number, dh: number): Rope {
  const half = dh / 2;
  const { cos, sin } = ropeHost(pos, B, T, dh);
  const np = jx().numpy;
  return { cos: np.array(cos).reshape([B, 1, T, half]), sin: np.array(sin).reshape([B, 1, T, half]) };
}

function rms(x: Arr, g: Arr): Arr {
  const np = jx().numpy;
  const v = np.mean(np.square(x.ref), -1, { keepdims: true });
  return x.mul(np.reciprocal(np.sqrt(v.add(1e-5)))).mul(g);
}

function rotate(x: Arr, rope: Rope): Arr {
  const np = jx().numpy;
  const [x1, x2] = np.split(x, 2, -1) as [Arr, Arr];
  const a = x1.ref.mul(rope.cos.ref).sub(x2.ref.mul(rope.sin.ref));
  const b = x1.mul(rope.sin.ref).add(x2.mul(rope.cos.ref));
  return np.concatenate([a, b], -1);
}

function lin(x: Arr, w: Arr, ad: LoraPair | undefined): Arr {
  const np = jx().numpy;
  if (!ad) return np.matmul(x, w);
  return np.matmul(x.ref, w).add(np.matmul(np.matmul(x, ad.a.ref), ad.b.ref));
}

export interface ForwardOut {
  /** Final-norm hidden states [B,T,D]. */
  hidden: Arr;
  /** Attention probabilities [B,H,T,T] of the requested layers, in request order. */
  attn: Arr[];
}

/**
 * One forward pass. `x` [B,T,D] embeddings, `mask` boolean [B,1,T,T] (row = query), `attnLayers` which
 * layers' probabilities to return. Consumes x and mask; params/rope are borrowed (ref'd inside).
 */
export function forward(
  cfg: ModelConfig,
  p: BaseParams,
  lora: LoraLayer[] | null,
  x: Arr,
  rope: Rope,
  mask: Arr,
  attnLayers: number[] = [],
): ForwardOut {
  const { numpy: np, nn } = jx();
  const [B, T, D] = x.shape as [number, number, number];
  const H = cfg.heads;
  const dh = D / H;
  const attn: Arr[] = [];
  // token shift (as in H3/RWKV): h_t = x_t + x_{t-1}·W, only where the mask lets t see t-1, so a
  // memory token never reads outside its segment. It makes key→label lookup a one-hop match.
  const subBuf = new Float32Array(T * T);
  for (let i = 1; i < T; i++) subBuf[i * T + i - 1] = 1;
  const sub = np.array(subBuf).reshape([1, 1, T, T]);
  const prev = np.where(mask.ref, sub, 0).reshape([B, T, T]);
  let h = x.ref.add(np.matmul(np.matmul(prev, x), p.shift.ref));
  p.layers.forEach((l, li) => {
    const ad = lora?.[li] ?? {};
    const a = rms(h.ref, l.ln1.ref).reshape([B * T, D]);
    const qkv = lin(a, l.wqkv.ref, ad.qkv).reshape([B, T, 3, H, dh]).transpose([2, 0, 3, 1, 4]);
    const [q0, k0, v0] = np.split(qkv, 3, 0).map((t) => t.reshape([B, H, T, dh])) as [Arr, Arr, Arr];
    const q = rotate(q0, rope);
    const k = rotate(k0, rope);
    let s = np.matmul(q, np.swapaxes(k, -1, -2)).mul(1 / Math.sqrt(dh));
    s = np.where(mask.ref, s, -1e9);
    const pr = nn.softmax(s, -1);
    if (attnLayers.includes(li)) attn.push(pr.ref);
    const y = np
      .matmul(pr, v0)
      .transpose([0, 2, 1, 3])
      .reshape([B * T, D]);
    h = h.add(lin(y, l.wo.ref, ad.o).reshape([B, T, D]));
    const b = rms(h.ref, l.ln2.ref).reshape([B * T, D]);
    const f = nn.gelu(lin(b, l.w1.ref, ad.up));
    h = h.add(lin(f, l.w2.ref, ad.down).reshape([B, T, D]));
  });
  mask.dispose();
  return { hidden: rms(h, p.lnf.ref), attn };
}

/** Token ids [B,T] → input embeddings [B,T,D] (one-hot matmul: the gather's gradient fails under jit). */
export function embedTokens(cfg: ModelConfig, p: BaseParams, ids: Arr): Arr {
  const { numpy: np, nn } = jx();
  const [B, T] = ids.shape as [number, number];
  return np
    .matmul(nn.oneHot(ids.reshape([B * T]), cfg.vocab), p.wte.ref)
    .mul(Math.sqrt(cfg.d))
    .reshape([B, T, cfg.d]);
}

/** Hidden states [N,D] → logits [N,V] through the tied embedding. */
export function logits(p: BaseParams, h: Arr): Arr {
  const np = jx().numpy;
  return np.matmul(h, np.transpose(p.wte.ref));
}
