// Top-down sparse retrieval over a MemoryDb (spec §3): RET vectors for the query, then level by level
// from the top: score the candidates with one forward pass, keep the top-C, expand their children,
// until the target level. Eager (inference); the training path is cr-step.ts.
import type { ModelConfig } from "./config.ts";
import type { MemoryDb } from "./memory-db.ts";
import { fast, lend } from "./fast.ts";
import { type HostScorer, hostRetrievalVectors } from "./host-forward.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import type { ScoreOptions } from "./scoring.ts";
import { type Arr, jx, read } from "./tensor/backend.ts";

export interface RetrieveOptions {
  C: number;
  nR: number;
  /** Level to stop at (2 = chunk roots, 1 = segments). */
  targetLevel: number;
  tau: number;
  /** Scoring options (must match the ones the adapters were trained with). */
  score?: ScoreOptions;
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

/** Walks `db` top-down for `tokens` with the jax-js forward (jitted passes). */
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
  try {
    return await walk(db, o, async (cand) => {
      const buf = new Float32Array(cand.length * cfg.d);
      cand.forEach((v, i) => {
        buf.set(v, i * cfg.d);
      });
      const s = await read(
        fast(cfg).score(o.score)(lend(p), lend(ad), np.array(buf).reshape([1, cand.length, cfg.d]), r.ref),
      );
      return [...s];
    });
  } finally {
    r.dispose();
  }
}

/** The same walk with the plain-TS inference forward (per-node K/V cache; see host-forward.ts). */
export async function retrieveHost(
  scorer: HostScorer,
  db: MemoryDb,
  tokens: number[],
  o: RetrieveOptions,
): Promise<Retrieval> {
  const r = hostRetrievalVectors(scorer.w, tokens, o.nR);
  return walk(db, o, async (cand) => scorer.score(cand, r, o.score));
}

async function walk(
  db: MemoryDb,
  o: RetrieveOptions,
  score: (cand: Float32Array[]) => Promise<number[]>,
): Promise<Retrieval> {
  let cand = [...(db.levels[db.topLevel] ?? [])];
  let level = db.topLevel;
  const path: RetrievalStep[] = [];
  let scores: number[] = [];
  let keptIdx: number[] = [];
  for (;;) {
    // C or fewer candidates are all kept: no scoring pass (their scores read as uniform)
    scores =
      cand.length <= o.C ? cand.map(() => 1 / cand.length) : await score(cand.map((id) => db.get(id).vec));
    keptIdx = topC(scores, o.C);
    const kept = keptIdx.map((i) => cand[i] as string);
    path.push({ level, candidates: cand, scores, kept });
    if (level <= o.targetLevel) break;
    cand = kept.flatMap((id) => db.get(id).children);
    level--;
    if (cand.length === 0) break;
  }
  const picked = keptIdx.map((i) => (scores[i] as number) / o.tau);
  const mx = Math.max(...picked);
  const ex = picked.map((v) => Math.exp(v - mx));
  const z = ex.reduce((a, b) => a + b, 0);
  const last = path[path.length - 1] as RetrievalStep;
  return { nodes: last.kept, weights: ex.map((e) => (e / z) * keptIdx.length), path };
}
