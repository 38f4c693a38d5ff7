// Builds the hierarchical memory database from chunks of k²-token segments (eager, no gradients):
// level 1 = compress(tokens), level 2 = chunk roots = compress(level 1); with `upper`, roots are
// compressed again in groups of k (life-long store) until one node is left. `extendForest` appends chunks
// to a forest compressing only what they change (the memory tier's incremental jobs).
import type { ModelConfig } from "./config.ts";
import { type MemoryDb as Db, MemoryDb, type MemoryNode } from "./memory-db.ts";
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

/** Rows given to the compressor by one forest build or extension (the incremental job's cost). */
export interface ForestStats {
  /** Chunks compressed from their tokens (level 1 and the chunk root). */
  chunks: number;
  /** Nodes above the chunk roots compressed (new ones and those whose children changed). */
  upper: number;
}

/** Level 1 and chunk-root nodes for `chunks`, numbered after the `l1Start` level-1 nodes and the
 * `chunkStart` chunks already in a forest. Chunk roots depend on their own chunk only. */
async function chunkNodes(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  chunks: number[][],
  k: number,
  bs: number,
  l1Start: number,
  chunkStart: number,
): Promise<MemoryNode[]> {
  const np = jx().numpy;
  const d = cfg.d;
  const out: MemoryNode[] = [];
  let l1i = l1Start;
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
      const chunk = chunkStart + c0 + j;
      const kids: string[] = [];
      for (let a = 0; a < m; a++) {
        const id = `L1:${l1i++}`;
        out.push({
          id,
          level: 1,
          chunk,
          vec: l1Host[j * m + a] as Float32Array,
          tokens: tokens.slice(a * k, (a + 1) * k),
          children: [],
        });
        kids.push(id);
      }
      out.push({ id: `L2:${chunk}`, level: 2, chunk, vec: roots[j] as Float32Array, tokens, children: kids });
    });
  }
  return out;
}

/**
 * The levels above the chunk roots of `db` (k-ary groups of consecutive nodes until one is left), where
 * `old` holds the same forest before roots from index `firstNewRoot` on were appended: a group whose
 * children are all unchanged keeps its node from `old`; only the groups the new roots reach (the last,
 * partial group of each level and the new ones) are compressed. Adds the nodes to `db`; returns the
 * nodes it compressed.
 */
async function upperLevels(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  db: Db,
  old: Db,
  firstNewRoot: number,
  k: number,
): Promise<MemoryNode[]> {
  const made: MemoryNode[] = [];
  let level = 2;
  let firstChanged = firstNewRoot;
  while ((db.levels[level] ?? []).length > 1) {
    const below = db.levels[level] as string[];
    const groups: string[][] = [];
    for (let i = 0; i < below.length; i += k) groups.push(below.slice(i, i + k));
    level++;
    const oldLevel = old.levels[level] ?? [];
    const keep = Math.min(Math.floor(firstChanged / k), oldLevel.length);
    for (let i = 0; i < keep; i++) db.add(old.get(oldLevel[i] as string));
    const redo = groups.slice(keep);
    const vecs = await compressRows(
      cfg,
      p,
      ad,
      redo.map((g) => g.map((id) => db.get(id).vec)),
      k,
    );
    redo.forEach((g, j) => {
      const node: MemoryNode = {
        id: `L${level}:${keep + j}`,
        level,
        chunk: -1,
        vec: vecs[j] as Float32Array,
        tokens: [],
        children: g,
      };
      db.add(node);
      made.push(node);
    });
    firstChanged = keep;
  }
  return made;
}

/** Compresses `chunks` (token id lists, length a multiple of k) into a forest; `upper` adds levels above the roots. */
export async function buildForest(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  chunks: number[][],
  opts: { k?: number; upper?: boolean; batch?: number } = {},
): Promise<Db> {
  return (await extendForest(cfg, p, ad, new MemoryDb(), chunks, opts)).db;
}

/**
 * `old` with `chunks` appended, compressing only what they change: the new chunks (level 1 and their
 * roots), and with `upper` the nodes above the roots whose groups the new roots join or make. Node for
 * node the forest `buildForest` makes from all chunks at once (same ids, vectors within float tolerance);
 * `old` is left as it was. `changed` are the nodes that are new or differ from `old` (what to store).
 */
export async function extendForest(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  old: Db,
  chunks: number[][],
  opts: { k?: number; upper?: boolean; batch?: number } = {},
): Promise<{ db: Db; changed: MemoryNode[]; stats: ForestStats }> {
  const k = opts.k ?? 4;
  const db = new MemoryDb();
  for (const id of old.levels[1] ?? []) db.add(old.get(id));
  const firstNewRoot = (old.levels[2] ?? []).length;
  for (const id of old.levels[2] ?? []) db.add(old.get(id));
  const fresh = await chunkNodes(
    cfg,
    p,
    ad,
    chunks,
    k,
    opts.batch ?? 128,
    (old.levels[1] ?? []).length,
    firstNewRoot,
  );
  for (const n of fresh) db.add(n);
  const upper = opts.upper ? await upperLevels(cfg, p, ad, db, old, firstNewRoot, k) : [];
  return { db, changed: [...fresh, ...upper], stats: { chunks: chunks.length, upper: upper.length } };
}
