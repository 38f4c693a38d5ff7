// An inverted-file (IVF) approximate nearest-neighbour index over unit vectors, in typed arrays only: k-means
// centroids split the vectors into lists; a query scans the lists of its nearest centroids. Vectors are kept
// as int8 codes (a quarter of float32's memory); the caller rescores the candidates exactly, so the codes
// only decide which rows are looked at, never a returned score. Pure data structure: no SQLite, no files.

/** The in-memory index: centroids, and per list the seqs and int8 codes of its vectors. */
export interface IvfIndex {
  readonly dim: number;
  readonly centroids: Float32Array; // (lists, dim), unit rows
  readonly lists: IvfList[];
  /** Vectors at the last training; the index retrains when it has grown well past it. */
  trainedOn: number;
  /** Derived, not stored: the centroids grouped around √lists coarse centres (see below). */
  coarse?: Coarse;
}

// Assigning a vector compares it with every centroid (lists × dim); above 32 lists it compares it with the
// coarse centres first and then only with the centroids of the 3 nearest groups: about 4× fewer dot
// products at 256 lists, and the building of a million-row index is dominated by exactly this.
interface Coarse {
  centres: Float32Array; // (groups, dim)
  members: Int32Array[];
}

/** One list: growable arrays of seqs, per-vector scales and codes (len rows used). */
export interface IvfList {
  len: number;
  seqs: Float64Array;
  scales: Float32Array;
  codes: Int8Array; // (capacity, dim)
}

/** How many lists for n vectors: about √n, at most 256 (assignment costs n × lists × dim). */
export function listCount(n: number): number {
  return Math.max(1, Math.min(256, Math.round(Math.sqrt(n))));
}

/** How many lists a query scans: enough to look at ≥ 4,096 vectors, and never fewer than 8. */
export function probeCount(index: IvfIndex, size: number): number {
  const lists = index.lists.length;
  return Math.min(lists, Math.max(8, Math.ceil((lists * 4096) / Math.max(1, size))));
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += a[ai + j] * b[bi + j];
    s1 += a[ai + j + 1] * b[bi + j + 1];
    s2 += a[ai + j + 2] * b[bi + j + 2];
    s3 += a[ai + j + 3] * b[bi + j + 3];
  }
  for (; j < dim; j++) s0 += a[ai + j] * b[bi + j];
  return s0 + s1 + s2 + s3;
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

function nearestOf(index: IvfIndex, v: Float32Array, vi: number, among?: Iterable<number>): number {
  const { centroids, dim } = index;
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  const each = among ?? index.lists.keys();
  for (const c of each) {
    const s = dot(centroids, c * dim, v, vi, dim);
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

function coarse(index: IvfIndex): Coarse {
  if (index.coarse) return index.coarse;
  const { dim } = index;
  const k = index.lists.length;
  const groups = Math.round(Math.sqrt(k));
  const centres = new Float32Array(groups * dim);
  for (let g = 0; g < groups; g++) {
    const c = Math.floor((g * k) / groups);
    centres.set(index.centroids.subarray(c * dim, (c + 1) * dim), g * dim);
  }
  let members: number[][] = [];
  for (let iter = 0; iter < 5; iter++) {
    members = Array.from({ length: groups }, () => []);
    for (let c = 0; c < k; c++) {
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let g = 0; g < groups; g++) {
        const s = dot(centres, g * dim, index.centroids, c * dim, dim);
        if (s > bestScore) {
          bestScore = s;
          best = g;
        }
      }
      members[best].push(c);
    }
    for (let g = 0; g < groups; g++) {
      if (members[g].length === 0) continue;
      centres.fill(0, g * dim, (g + 1) * dim);
      for (const c of members[g])
        for (let j = 0; j < dim; j++) centres[g * dim + j] += index.centroids[c * dim + j];
      normalizeRow(centres, g * dim, dim);
    }
  }
  index.coarse = { centres, members: members.map((m) => Int32Array.from(m)) };
  return index.coarse;
}

/** The centroid nearest to the unit vector at v[vi..] (through the coarse groups above 32 lists). */
function nearest(index: IvfIndex, v: Float32Array, vi: number): number {
  if (index.lists.length <= 32) return nearestOf(index, v, vi);
  const { centres, members } = coarse(index);
  const dim = index.dim;
  const scored = members.map((_, g) => ({ g, s: dot(centres, g * dim, v, vi, dim) }));
  scored.sort((a, b) => b.s - a.s);
  const among: number[] = [];
  for (const { g } of scored.slice(0, 3)) for (const c of members[g]) among.push(c);
  return nearestOf(index, v, vi, among);
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

/** Trains centroids by spherical k-means on a sample of the (unit) rows of `sample`, (count, dim). */
export function trainIvf(sample: Float32Array, count: number, dim: number, totalRows: number): IvfIndex {
  const k = Math.min(listCount(totalRows), Math.max(1, count));
  const rand = prng(count * 31 + dim);
  const centroids = new Float32Array(k * dim);
  const chosen = new Set<number>();
  for (let c = 0; c < k; c++) {
    let r = Math.floor(rand() * count);
    while (chosen.has(r)) r = (r + 1) % count;
    chosen.add(r);
    centroids.set(sample.subarray(r * dim, (r + 1) * dim), c * dim);
  }
  const lists = Array.from({ length: k }, () => newList(dim, 0));
  const index: IvfIndex = { dim, centroids, lists, trainedOn: totalRows };
  const sums = new Float32Array(k * dim);
  const sizes = new Int32Array(k);
  for (let iter = 0; iter < 5; iter++) {
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < count; i++) {
      const c = nearestOf(index, sample, i * dim);
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
  index.coarse = undefined;
  return index;
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

/** Adds the vector at v[vi..] (any length; normalised here) under seq to its nearest list. */
export function addToIvf(index: IvfIndex, seq: number, v: Float32Array, vi = 0): void {
  const { dim } = index;
  const u = v.slice(vi, vi + dim);
  normalizeRow(u, 0, dim);
  const list = index.lists[nearest(index, u, 0)];
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

/** The seqs of about the `want` nearest vectors by approximate cosine, scanning `probes` lists. */
export function searchIvf(index: IvfIndex, query: Float32Array, want: number, probes: number): number[] {
  const { dim, centroids } = index;
  const q = unit(query);
  const order = index.lists.map((_, c) => ({ c, s: dot(centroids, c * dim, q, 0, dim) }));
  order.sort((a, b) => b.s - a.s);
  // A bounded min-heap of (score, seq) would be tidier; a threshold-pruned array is as fast at these sizes.
  const scores: number[] = [];
  const seqs: number[] = [];
  let floor = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < Math.min(probes, order.length); p++) {
    const list = index.lists[order[p].c];
    const { codes, scales } = list;
    for (let i = 0; i < list.len; i++) {
      const at = i * dim;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < dim; j += 2) {
        s0 += q[j] * codes[at + j];
        s1 += q[j + 1] * codes[at + j + 1];
      }
      if (j < dim) s0 += q[j] * codes[at + j];
      const s = (s0 + s1) * scales[i];
      if (s <= floor) continue;
      scores.push(s);
      seqs.push(list.seqs[i]);
      if (scores.length >= want * 4) floor = prune(scores, seqs, want * 2);
    }
  }
  prune(scores, seqs, want);
  return seqs;
}

// Keeps the `keep` best (score, seq) pairs, best first; returns the lowest score kept.
function prune(scores: number[], seqs: number[], keep: number): number {
  const idx = scores
    .map((_, i) => i)
    .sort((a, b) => scores[b] - scores[a])
    .slice(0, keep);
  const s = idx.map((i) => scores[i]);
  const q = idx.map((i) => seqs[i]);
  scores.length = 0;
  seqs.length = 0;
  scores.push(...s);
  seqs.push(...q);
  return s.length >= keep ? s[s.length - 1] : Number.NEGATIVE_INFINITY;
}
