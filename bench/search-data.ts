// Synthetic archival memory for the search bench, deterministic from a seed: text from a made-up vocabulary
// with Zipf word frequencies (like real text: a few very common words, a long tail), and 384-d unit vectors,
// either clustered (random centres, each passage a centre plus noise, as embeddings of related texts are)
// or uniform on the sphere (no neighbourhood structure at all: the worst case for any index).

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  "ka",
  "ro",
  "mi",
  "ten",
  "su",
  "la",
  "ver",
  "no",
  "di",
  "pa",
  "quo",
  "sel",
  "tar",
  "bi",
  "en",
  "gho",
  "ul",
  "ze",
  "wa",
  "fi",
  "ch",
  "mor",
  "is",
  "ap",
];

/** A vocabulary of `size` distinct pronounceable made-up words, most frequent first. */
export function vocabulary(size: number, rand: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 1 + Math.floor(rand() * 3) + (words.size > 200 ? 1 : 0);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Draws ranks 0..n-1 with P(rank r) ∝ 1/(r+1)^s (inverse-CDF on a precomputed table). */
export function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    total += 1 / (r + 1) ** s;
    cdf[r] = total;
  }
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Text generator: sentences of 10–30 Zipf-drawn words; queries of 2–3 content words (rank ≥ 50). */
export function textSource(seed: number) {
  const rand = prng(seed);
  const words = vocabulary(20_000, rand);
  const rank = zipf(words.length, 1.07, rand);
  return {
    passage(): string {
      const n = 10 + Math.floor(rand() * 21);
      return Array.from({ length: n }, () => words[rank()]).join(" ");
    },
    query(): string {
      const n = 2 + Math.floor(rand() * 2);
      const q: string[] = [];
      while (q.length < n) {
        const r = rank();
        if (r >= 50) q.push(words[r]);
      }
      return q.join(" ");
    },
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/** Vector generator. clustered: centre + noise with cos(vector, centre) ≈ 0.7, one centre per 1,000 rows;
 * `row()` draws the stored vectors, `query()` (its own stream) draws queries the same way. */
export function vectorSource(seed: number, kind: "clustered" | "uniform", rows: number, dim = 384) {
  const centreRand = prng(seed);
  const random = (rand: () => number) => normalize(Float32Array.from({ length: dim }, () => gaussian(rand)));
  const centres =
    kind === "clustered"
      ? Array.from({ length: Math.max(10, Math.round(rows / 1000)) }, () => random(centreRand))
      : [];
  const draw = (rand: () => number) => () => {
    if (kind === "uniform") return random(rand);
    const c = centres[Math.floor(rand() * centres.length)];
    return normalize(Float32Array.from(c, (x) => x + gaussian(rand) / Math.sqrt(dim)));
  };
  return { row: draw(prng(seed + 1)), query: draw(prng(seed + 2)) };
}
