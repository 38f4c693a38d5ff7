// Builds the hierarchical memory database from chunks of k²-token segments (eager, no gradients):
// level 1 = compress(tokens), level 2 = chunk roots = compress(level 1); with `upper`, roots are
// compressed again in groups of k (life-long store) until one node is left.
import type { ModelConfig } from "./config.ts";
import { type MemoryDb as Db, MemoryDb } from "./memory-db.ts";
import { fast, lend } from "./fast.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import { type Arr, jx, read } from "./tensor/backend.ts";

function toHost(a: Float32Array, rows: number, d: number): Float32Array[] {
  return Array.from({ length: rows }, (_, i) => a.slice(i * d, (i + 1) * d));
}

async function compressRows(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  rows: Float32Array[][],
  k: number,
): Promise<Float32Array[]> {
  // group by item count so each pass has one shape
  const np = jx().numpy;
  const out: Float32Array[] = new Array(rows.length);
  const byLen = new Map<number, number[]>();
  rows.forEach((r, i) => {
    byLen.set(r.length, [...(byLen.get(r.length) ?? []), i]);
  });
  for (const [n, idx] of byLen) {
    const buf = new Float32Array(idx.length * n * cfg.d);
    idx.forEach((ri, j) => {
      (rows[ri] as Float32Array[]).forEach((v, t) => {
        buf.set(v, (j * n + t) * cfg.d);
      });
    });
    const m = Math.ceil(n / k);
    const res = await read(
      fast(cfg).compress(k)(lend(p), lend(ad), np.array(buf).reshape([idx.length, n, cfg.d])),
    );
    idx.forEach((ri, j) => {
      out[ri] = res.slice(j * m * cfg.d, (j + 1) * m * cfg.d);
    });
  }
  return out;
}

/** Compresses `chunks` (token id lists, length a multiple of k) into a forest; `upper` adds levels above the roots. */
export async function buildForest(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  chunks: number[][],
  opts: { k?: number; upper?: boolean; batch?: number } = {},
): Promise<Db> {
  const np = jx().numpy;
  const k = opts.k ?? 4;
  const d = cfg.d;
  const db = new MemoryDb();
  const bs = opts.batch ?? 128;
  let l1i = 0;
  for (let c0 = 0; c0 < chunks.length; c0 += bs) {
    const part = chunks.slice(c0, c0 + bs);
    const n = (part[0] as number[]).length;
    if (part.some((c) => c.length !== n))
      throw new Error("buildForest: chunks of one batch must have equal length");
    const ids = np.array(Int32Array.from(part.flat()), { dtype: np.int32 }).reshape([part.length, n]);
    const l1: Arr = fast(cfg).compressTokens(k)(lend(p), lend(ad), ids);
    const m = Math.ceil(n / k);
    const l1Host = toHost(await read(l1.ref), part.length * m, d);
    const roots = toHost(await read(fast(cfg).compress(k)(lend(p), lend(ad), l1)), part.length, d);
    part.forEach((tokens, j) => {
      const chunk = c0 + j;
      const kids: string[] = [];
      for (let a = 0; a < m; a++) {
        const id = `L1:${l1i++}`;
        db.add({
          id,
          level: 1,
          chunk,
          vec: l1Host[j * m + a] as Float32Array,
          tokens: tokens.slice(a * k, (a + 1) * k),
          children: [],
        });
        kids.push(id);
      }
      db.add({ id: `L2:${chunk}`, level: 2, chunk, vec: roots[j] as Float32Array, tokens, children: kids });
    });
  }
  if (opts.upper) {
    let level = 2;
    while ((db.levels[level] ?? []).length > 1) {
      const below = db.levels[level] as string[];
      const groups: string[][] = [];
      for (let i = 0; i < below.length; i += k) groups.push(below.slice(i, i + k));
      const vecs = await compressRows(
        cfg,
        p,
        ad,
        groups.map((g) => g.map((id) => db.get(id).vec)),
        k,
      );
      level++;
      groups.forEach((g, i) => {
        db.add({
          id: `L${level}:${i}`,
          level,
          chunk: -1,
          vec: vecs[i] as Float32Array,
          tokens: [],
          children: g,
        });
      });
    }
  }
  return db;
}
