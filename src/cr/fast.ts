// Jitted inference entry points (eager jax-js dispatch is slow: one retrieval level took > 1 s eager).
// Each wrapper borrows the parameter trees (the caller keeps them) and is compiled once per input shape.
import { compress, retrievalVectors } from "./compressor.ts";
import type { ModelConfig } from "./config.ts";
import { type AdapterParams, type BaseParams, embedTokens, forward, logits } from "./model.ts";
import { type ReaderParams, readerLogits } from "./reader.ts";
import { type ScoreOptions, scoreCandidates } from "./scoring.ts";
import { type Arr, jitted, jx } from "./tensor/backend.ts";

type Fns = ReturnType<typeof build>;
const cache = new Map<string, Fns>();

function build(cfg: ModelConfig) {
  const drop = (...ts: unknown[]) => jx().tree.dispose(ts as never);
  const memo = new Map<string, unknown>();
  const once = <F>(key: string, make: () => F): F => {
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key) as F;
  };
  return {
    /** items [N,n,D] → memory vectors [N,ceil(n/k),D]. */
    compress: (k: number) =>
      once(`c${k}`, () =>
        jitted((p: BaseParams, ad: AdapterParams, x: Arr) => {
          const y = compress(cfg, p, ad, x, k);
          drop(p, ad);
          return y;
        }),
      ),
    /** token ids [N,n] → level-1 vectors (compress of the embedded tokens). */
    compressTokens: (k: number) =>
      once(`t${k}`, () =>
        jitted((p: BaseParams, ad: AdapterParams, ids: Arr) => {
          const y = compress(cfg, p, ad, embedTokens(cfg, p, ids), k);
          drop(p, ad);
          return y;
        }),
      ),
    /** query ids [N,n] → retrieval vectors [N,nR,D]. */
    retrieval: (nR: number) =>
      once(`r${nR}`, () =>
        jitted((p: BaseParams, ad: AdapterParams, ids: Arr) => {
          const y = retrievalVectors(cfg, p, ad, embedTokens(cfg, p, ids), nR);
          drop(p, ad);
          return y;
        }),
      ),
    /** cand [N,c,D], r [N,nR,D] → scores [N,c]. */
    score: (o: ScoreOptions = {}) =>
      once(`s${JSON.stringify(o)}`, () =>
        jitted((p: BaseParams, ad: AdapterParams, cand: Arr, r: Arr) => {
          const y = scoreCandidates(cfg, p, ad, cand, r, o);
          drop(p, ad);
          return y;
        }),
      ),
    /** embeddings [N,T,D] + causal layout → final-norm hidden states of every position [N*T,D]. */
    hidden: once("h", () =>
      jitted((p: BaseParams, lora: AdapterParams["lora"], x: Arr, cos: Arr, sin: Arr, mask: Arr) => {
        const [N, T] = x.shape as [number, number];
        const { hidden } = forward(cfg, p, lora.length ? lora : null, x, { cos, sin }, mask);
        cos.dispose();
        sin.dispose();
        drop(p, lora);
        return hidden.reshape([N * T, cfg.d]);
      }),
    ),
    /** memory rows [N,M,D] + query ids [N,q] → the reader's logits at the last position [N,V]. */
    reader: once("rd", () =>
      jitted((p: BaseParams, rd: ReaderParams, mem: Arr, ids: Arr) => {
        const y = readerLogits(cfg, p, rd, mem, ids);
        drop(p, rd);
        return y;
      }),
    ),
    /** embeddings [N,T,D] + causal layout → logits of every position [N*T,V] (lora may be empty). */
    logits: once("l", () =>
      jitted((p: BaseParams, lora: AdapterParams["lora"], x: Arr, cos: Arr, sin: Arr, mask: Arr) => {
        const [N, T] = x.shape as [number, number];
        const { hidden } = forward(cfg, p, lora.length ? lora : null, x, { cos, sin }, mask);
        const y = logits(p, hidden.reshape([N * T, cfg.d]));
        cos.dispose();
        sin.dispose();
        drop(p, lora);
        return y;
      }),
    ),
  };
}

/** The jitted functions of one model config. */
export function fast(cfg: ModelConfig): Fns {
  const key = JSON.stringify(cfg);
  let f = cache.get(key);
  if (!f) {
    f = build(cfg);
    cache.set(key, f);
  }
  return f;
}

/** Borrowed copies of parameter trees for a jitted call (which consumes its arguments). */
export function lend<T>(t: T): T {
  return jx().tree.ref(t as never) as T;
}
