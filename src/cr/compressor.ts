// Compressor (spec §2): run the model on [items ; MEM × m] with the segmented mask and keep the
// final hidden states at the memory positions. Pure array functions, usable inside jit/grad.
import type { ModelConfig } from "./config.ts";
import { repeatMask, segmentedMask } from "./mask.ts";
import { type AdapterParams, type BaseParams, forward, type Rope, ropeTables } from "./model.ts";
import { type Arr, jx } from "./tensor/backend.ts";

export const K_DEFAULT = 4;

/** Rope tables and a boolean [N,1,T,T] mask for N copies of one pass layout. */
export function passLayout(
  cfg: ModelConfig,
  N: number,
  pos: number[],
  mask: Uint8Array,
): { rope: Rope; mask: Arr } {
  const np = jx().numpy;
  const T = pos.length;
  const all = new Int32Array(N * T);
  for (let i = 0; i < N; i++) all.set(pos, i * T);
  const rope = ropeTables(all, N, T, cfg.d / cfg.heads);
  const m = np.greater(np.array(Float32Array.from(repeatMask(mask, N))).reshape([N, 1, T, T]), 0.5);
  return { rope, mask: m };
}

/** n items, k → m = ceil(n/k) memory vectors per row: items [N,n,D] → [N,m,D]. Consumes items. */
export function compress(cfg: ModelConfig, p: BaseParams, ad: AdapterParams, items: Arr, k = K_DEFAULT): Arr {
  const np = jx().numpy;
  const [N, n, D] = items.shape as [number, number, number];
  const m = Math.ceil(n / k);
  const mem = np.broadcastTo(ad.mem.ref.reshape([1, 1, D]), [N, m, D]);
  const seq = np.concatenate([items, mem], 1);
  const pos = Array.from({ length: n + m }, (_, i) => i);
  const { rope, mask } = passLayout(cfg, N, pos, segmentedMask(n, k));
  const { hidden } = forward(cfg, p, ad.lora, seq, rope, mask);
  rope.cos.dispose();
  rope.sin.dispose();
  const [, out] = np.split(hidden, [n], 1) as [Arr, Arr];
  return out;
}

/** Retrieval query vectors: [query embeddings ; RET × nR] causal → the nR last hidden states. */
export function retrievalVectors(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  q: Arr,
  nR: number,
): Arr {
  const np = jx().numpy;
  const [N, n, D] = q.shape as [number, number, number];
  const ret = np.broadcastTo(ad.ret.ref.reshape([1, 1, D]), [N, nR, D]);
  const T = n + nR;
  const mask = new Uint8Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) mask[i * T + j] = 1;
  const lay = passLayout(
    cfg,
    N,
    Array.from({ length: T }, (_, i) => i),
    mask,
  );
  const { hidden } = forward(cfg, p, ad.lora, np.concatenate([q, ret], 1), lay.rope, lay.mask);
  lay.rope.cos.dispose();
  lay.rope.sin.dispose();
  const [, out] = np.split(hidden, [n], 1) as [Arr, Arr];
  return out;
}
