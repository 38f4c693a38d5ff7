// Vector search helpers: vectors as bytea (the exact-scan fallback, cosine in JS) or as a pgvector literal.
// Lexical search is lexical.ts.

/** A Float32Array as little-endian bytes. */
export function vectorBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** The pgvector text form of a vector. */
export function vectorLiteral(v: Float32Array): string {
  return `[${Array.from(v).join(",")}]`;
}

/** Cosine similarity of a query against stored bytes of the same dimension; null for a zero vector. */
export function cosine(query: Float32Array, bytes: Buffer): number | null {
  const n = query.length;
  let dot = 0;
  let qq = 0;
  let vv = 0;
  for (let i = 0; i < n; i++) {
    const x = bytes.readFloatLE(i * 4);
    const y = query[i];
    dot += x * y;
    qq += y * y;
    vv += x * x;
  }
  if (qq === 0 || vv === 0) return null;
  return dot / Math.sqrt(qq * vv);
}

/** The top `limit` of scored rows, best first (ties: later seq first), zero vectors dropped. */
export function topByCosine(
  query: Float32Array,
  rows: Array<{ id: string; seq: number; embedding: Buffer }>,
  limit: number,
): Array<{ id: string; score: number }> {
  const scored: Array<{ id: string; seq: number; score: number }> = [];
  for (const r of rows) {
    const score = cosine(query, r.embedding);
    if (score !== null) scored.push({ id: r.id, seq: r.seq, score });
  }
  scored.sort((a, b) => b.score - a.score || b.seq - a.seq);
  return scored.slice(0, limit).map(({ id, score }) => ({ id, score }));
}
