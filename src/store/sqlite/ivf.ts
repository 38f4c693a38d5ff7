// An inverted-file (IVF) approximate nearest-neighbour index over unit vectors, in typed arrays only: k-means
// centroids split the vectors into lists; a query scans the lists of its nearest centroids. Vectors are kept
// as int8 codes (a quarter of float32's memory); the caller rescores the candidates exactly, so the codes
// only decide which rows are looked at, never a returned score. Pure data structure: no SQLite, no files.
import { DotMatrix, Int8Scan } from "./simd-dots.ts";

// Hand-written rather than a library: the ANN packages tried (usearch, hnswlib-node) need Node 22 or a
// compiler, or built far slower here (BENCHMARKS.md "Search at scale").

/** The in-memory index: centroids, and per list the seqs and int8 codes of its vectors. */
export interface IvfIndex {
  readonly dim: number;
  readonly centroids: Float32Array; // (lists, dim), unit rows
  readonly lists: IvfList[];
  /** Vectors at the last training; the index retrains when it has grown well past it. */
  trainedOn: number;
  /** Derived, not stored: the centroids in the SIMD kernel's memory. */
  matrix?: DotMatrix;
}

// Finding a vector's nearest centroid compares it with every centroid (lists × dim): training and building
// a million-row index are dominated by exactly this, so it runs on a WebAssembly SIMD kernel (simd-dots.ts,
// ~10× V8's scalar loops), exactly over all centroids: no vector is misfiled to a second-nearest list.
/** One list: growable arrays of seqs, per-vector scales and codes (len rows used). */
export interface IvfList {
  len: number;
  seqs: Float64Array;
  scales: Float32Array;
  codes: Int8Array; // (capacity, dim)
}

/** How many lists for n vectors: √n (the usual IVF rule: list length and list count grow alike). */
export function listCount(n: number): number {
  return Math.max(1, Math.min(4_096, Math.round(Math.sqrt(n))));
}

/** How many lists a query scans, for an index of `size` vectors in `lists` lists: PROBE_FACTOR·√lists, at
 * least 8 and at least enough lists to hold ~4,096 vectors (all of them in a small index). With √n lists
 * the share scanned falls as n^(-1/4): ≈ 3% at 1M rows, 6% at 100k — slower than one list's share (1/√n),
 * which is what keeps recall up as the index grows. */
export const PROBE_FACTOR = 1;
export function probeCount(lists: number, size: number, factor = PROBE_FACTOR): number {
  const floor = Math.ceil((lists * 4_096) / Math.max(1, size));
  return Math.min(lists, Math.max(8, floor, Math.ceil(factor * Math.sqrt(lists))));
}

function normalizeRow(m: Float32Array, at: number, dim: number): void {
  let s = 0;
  for (let j = 0; j < dim; j++) s += m[at + j] * m[at + j];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let j = 0; j < dim; j++) m[at + j] *= inv;
}

/** A unit copy of v (zero stays zero). */
export function unit(v: Float32Array): Float32Array {
  const u = Float32Array.from(v);
  normalizeRow(u, 0, u.length);
  return u;
}

/** The row of the largest score. */
function argmax(scores: Float32Array, count: number): number {
  let best = 0;
  for (let c = 1; c < count; c++) if (scores[c] > scores[best]) best = c;
  return best;
}

function matrixOf(index: IvfIndex): DotMatrix {
  index.matrix ??= new DotMatrix(index.centroids, index.lists.length, index.dim);
  return index.matrix;
}

// A small deterministic PRNG (mulberry32), so the same rows train the same centroids.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Training rows per list: the sample k-means runs on is SAMPLE_PER_LIST × lists rows of the table. */
export const SAMPLE_PER_LIST = 32;
const ITERATIONS = 8;
const SEED_ROWS = 16_384; // k-means++ draws its seeds from at most this many rows of the sample

/** k-means++ seeds: each next centre drawn with probability ∝ its squared distance to the nearest so far
 * (spreads the centres over the data where random seeds pile several into one dense region). */
function seeds(
  sample: Float32Array,
  count: number,
  dim: number,
  k: number,
  rand: () => number,
): Float32Array {
  const n = Math.min(count, Math.max(k, SEED_ROWS));
  const stride = count / n;
  const rows = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i * stride);
    rows.set(sample.subarray(r * dim, (r + 1) * dim), i * dim);
  }
  const m = new DotMatrix(rows, n, dim);
  const centroids = new Float32Array(k * dim);
  const d2 = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let pick = Math.floor(rand() * n);
  for (let c = 0; c < k; c++) {
    centroids.set(rows.subarray(pick * dim, (pick + 1) * dim), c * dim);
    const dots = m.dots(centroids, c * dim);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.max(0, 2 - 2 * dots[i]);
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    let x = rand() * total;
    let i = 0;
    for (; i < n - 1 && x >= d2[i]; i++) x -= d2[i];
    pick = i;
  }
  return centroids;
}

/** Trains centroids by spherical k-means (k-means++ seeds, ITERATIONS rounds) on the unit rows of `sample`,
 * (count, dim), for an index of totalRows vectors. */
export function trainIvf(sample: Float32Array, count: number, dim: number, totalRows: number): IvfIndex {
  const k = Math.min(listCount(totalRows), Math.max(1, count));
  const rand = prng(count * 31 + dim);
  const centroids = seeds(sample, count, dim, k, rand);
  const sums = new Float32Array(k * dim);
  const sizes = new Int32Array(k);
  for (let iter = 0; iter < ITERATIONS; iter++) {
    const m = new DotMatrix(centroids, k, dim);
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < count; i++) {
      const c = argmax(m.dots(sample, i * dim), k);
      sizes[c]++;
      for (let j = 0; j < dim; j++) sums[c * dim + j] += sample[i * dim + j];
    }
    for (let c = 0; c < k; c++) {
      // An empty list takes a random row, so every list keeps a place in the space.
      if (sizes[c] === 0) {
        const r = Math.floor(rand() * count);
        centroids.set(sample.subarray(r * dim, (r + 1) * dim), c * dim);
      } else centroids.set(sums.subarray(c * dim, (c + 1) * dim), c * dim);
      normalizeRow(centroids, c * dim, dim);
    }
  }
  const lists = Array.from({ length: k }, () => newList(dim, 0));
  return { dim, centroids, lists, trainedOn: totalRows };
}

/** An empty list with room for `capacity` vectors. */
export function newList(dim: number, capacity: number): IvfList {
  return {
    len: 0,
    seqs: new Float64Array(capacity),
    scales: new Float32Array(capacity),
    codes: new Int8Array(capacity * dim),
  };
}

function grow(list: IvfList, dim: number): void {
  const capacity = Math.max(16, list.seqs.length * 2);
  const next = newList(dim, capacity);
  next.seqs.set(list.seqs.subarray(0, list.len));
  next.scales.set(list.scales.subarray(0, list.len));
  next.codes.set(list.codes.subarray(0, list.len * dim));
  list.seqs = next.seqs;
  list.scales = next.scales;
  list.codes = next.codes;
}

const scratch = { u: new Float32Array(0) };

/** Adds the vector at v[vi..] (any length; normalised here) under seq to its nearest list. */
export function addToIvf(index: IvfIndex, seq: number, v: Float32Array, vi = 0): void {
  const { dim } = index;
  if (scratch.u.length !== dim) scratch.u = new Float32Array(dim);
  const u = scratch.u;
  u.set(v.subarray(vi, vi + dim));
  normalizeRow(u, 0, dim);
  const list = index.lists[argmax(matrixOf(index).dots(u), index.lists.length)];
  if (list.len === list.seqs.length) grow(list, dim);
  let max = 0;
  for (let j = 0; j < dim; j++) max = Math.max(max, Math.abs(u[j]));
  const scale = max > 0 ? max / 127 : 0;
  const at = list.len * dim;
  for (let j = 0; j < dim; j++) list.codes[at + j] = scale > 0 ? Math.round(u[j] / scale) : 0;
  list.seqs[list.len] = seq;
  list.scales[list.len] = scale;
  list.len++;
}

/** Vectors held (deleted rows included until a rebuild). */
export function ivfSize(index: IvfIndex): number {
  let n = 0;
  for (const l of index.lists) n += l.len;
  return n;
}

// Per-query scratch, reused (a search allocates only its result): the unit query, the centroid scores and
// order, and a bounded min-heap of (score, seq) holding the best `want` candidates so far.
const q = {
  u: new Float32Array(0),
  s: new Float32Array(0),
  order: new Int32Array(0),
  heapScore: new Float32Array(0),
  heapSeq: new Float64Array(0),
  q16: new Int16Array(0),
};
const scans = new Map<number, Int8Scan>(); // per dimension

function heapPush(size: number, want: number, score: number, seq: number): number {
  const hs = q.heapScore;
  const hq = q.heapSeq;
  let i: number;
  if (size < want) {
    i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (hs[parent] <= score) break;
      hs[i] = hs[parent];
      hq[i] = hq[parent];
      i = parent;
    }
  } else {
    // Replace the root (the worst kept) and sift down.
    i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && hs[r] < hs[l] ? r : l;
      if (hs[c] >= score) break;
      hs[i] = hs[c];
      hq[i] = hq[c];
      i = c;
    }
  }
  hs[i] = score;
  hq[i] = seq;
  return size;
}

/** The seqs of about the `want` nearest vectors by approximate cosine (best first), scanning `probes` lists. */
export function searchIvf(index: IvfIndex, query: Float32Array, want: number, probes: number): number[] {
  const { dim } = index;
  const k = index.lists.length;
  if (q.u.length !== dim) q.u = new Float32Array(dim);
  if (q.s.length < k) {
    q.s = new Float32Array(k);
    q.order = new Int32Array(k);
  }
  if (q.heapScore.length < want) {
    q.heapScore = new Float32Array(want);
    q.heapSeq = new Float64Array(want);
  }
  const u = q.u;
  u.set(query.subarray(0, dim));
  normalizeRow(u, 0, dim);
  const { s } = q;
  s.set(matrixOf(index).dots(u).subarray(0, k));
  for (let c = 0; c < k; c++) q.order[c] = c;
  const order = q.order.subarray(0, k).sort((a, b) => s[b] - s[a]);
  // The codes are scanned by the int8 SIMD kernel against the query rounded to int16 (qMax / max|u|).
  let max = 0;
  for (let j = 0; j < dim; j++) max = Math.max(max, Math.abs(u[j]));
  const qs = max > 0 ? Int8Scan.qMax(dim) / max : 0;
  if (q.q16.length !== dim) q.q16 = new Int16Array(dim);
  for (let j = 0; j < dim; j++) q.q16[j] = Math.round(u[j] * qs);
  let scan = scans.get(dim);
  if (!scan) {
    scan = new Int8Scan(dim);
    scans.set(dim, scan);
  }
  scan.setQuery(q.q16);
  const inv = qs > 0 ? 1 / qs : 0;
  const hs = q.heapScore;
  let size = 0;
  for (let p = 0; p < Math.min(probes, k); p++) {
    const list = index.lists[order[p]];
    const { scales, seqs } = list;
    const dots = scan.scan(list.codes, list.len);
    for (let i = 0; i < list.len; i++) {
      const score = dots[i] * scales[i] * inv;
      if (size === want && score <= hs[0]) continue;
      size = heapPush(size, want, score, seqs[i]);
    }
  }
  const idx = Array.from({ length: size }, (_, i) => i).sort((a, b) => hs[b] - hs[a]);
  return idx.map((i) => q.heapSeq[i]);
}
