// Top-down sparse retrieval over a MemoryDb (spec §3): RET vectors for the query, then level by level
// from the top: score the candidates with one forward pass, keep the top-C, expand their children,
// until the target level. Eager (inference); the training path is cr-step.ts.
import type { ModelConfig } from "./config.ts";
import type { MemoryDb } from "./memory-db.ts";
import { fast, lend } from "./fast.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import { type Arr, jx, read } from "./tensor/backend.ts";

export interface RetrieveOptions {
  C: number;
  nR: number;
  /** Level to stop at (2 = chunk roots, 1 = segments). */
  targetLevel: number;
  tau: number;
}

/** What happened at one level: the candidates, their scores and the kept ones. */
export interface RetrievalStep {
  level: number;
  candidates: string[];
  scores: number[];
  kept: string[];
}

export interface Retrieval {
  /** Kept nodes at the target level, best first, with their soft top-C weights. */
  nodes: string[];
  weights: number[];
  path: RetrievalStep[];
}

/** Indices of the C largest values, best first. */
export function topC(xs: number[], C: number): number[] {
  return xs
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, C)
    .map(([, i]) => i);
}

/** Retrieval vectors [1,nR,D] for query tokens (borrows params). */
export function queryVectors(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  tokens: number[],
  nR: number,
): Arr {
  const np = jx().numpy;
  const ids = np.array(Int32Array.from(tokens), { dtype: np.int32 }).reshape([1, tokens.length]);
  return fast(cfg).retrieval(nR)(lend(p), lend(ad), ids);
}

/** Walks `db` top-down for `tokens`. */
export async function retrieve(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  db: MemoryDb,
  tokens: number[],
  o: RetrieveOptions,
): Promise<Retrieval> {
  const np = jx().numpy;
  const r = queryVectors(cfg, p, ad, tokens, o.nR);
  let cand = [...(db.levels[db.topLevel] ?? [])];
  let level = db.topLevel;
  const path: RetrievalStep[] = [];
  let scores: number[] = [];
  let keptIdx: number[] = [];
  for (;;) {
    const buf = new Float32Array(cand.length * cfg.d);
    cand.forEach((id, i) => {
      buf.set(db.get(id).vec, i * cfg.d);
    });
    const s = await read(
      fast(cfg).score(lend(p), lend(ad), np.array(buf).reshape([1, cand.length, cfg.d]), r.ref),
    );
    scores = [...s];
    keptIdx = topC(scores, o.C);
    const kept = keptIdx.map((i) => cand[i] as string);
    path.push({ level, candidates: cand, scores, kept });
    if (level <= o.targetLevel) break;
    cand = kept.flatMap((id) => db.get(id).children);
    level--;
    if (cand.length === 0) break;
  }
  r.dispose();
  const picked = keptIdx.map((i) => (scores[i] as number) / o.tau);
  const mx = Math.max(...picked);
  const ex = picked.map((v) => Math.exp(v - mx));
  const z = ex.reduce((a, b) => a + b, 0);
  const last = path[path.length - 1] as RetrievalStep;
  return { nodes: last.kept, weights: ex.map((e) => (e / z) * keptIdx.length), path };
}
