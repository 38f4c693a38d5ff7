// Building an IVF index from the rows of passage_embeddings: one pass over the table (seq order, CHUNK rows
// per statement) into float32 blocks, k-means on a strided sample, then every row into its list. Shared by
// the background build (ivf-build-worker.ts, its own read-only connection) and the inline one (in-memory
// databases, which a worker cannot open).
import type BetterSqlite3 from "better-sqlite3";
import { addToIvf, type IvfIndex, listCount, SAMPLE_PER_LIST, trainIvf, unit } from "./ivf.ts";

/** Rows read per statement while building or catching up, to bound memory per step. */
export const CHUNK = 20_000;

/** Calls each(seq, blob) for the rows of dimension dim with after < seq ≤ upTo, in seq order. */
export function eachRow(
  db: BetterSqlite3.Database,
  dim: number,
  after: number,
  upTo: number,
  each: (seq: number, blob: Buffer) => void,
): void {
  const stmt = db.prepare(
    "SELECT seq, embedding FROM passage_embeddings WHERE seq > ? AND seq <= ? AND dim = ? ORDER BY seq LIMIT ?",
  );
  let from = after;
  for (;;) {
    const batch = stmt.all(from, upTo, dim, CHUNK) as { seq: number; embedding: Buffer }[];
    for (const r of batch) each(r.seq, r.embedding);
    if (batch.length < CHUNK) return;
    from = batch[batch.length - 1].seq;
  }
}

/** The index of every row of dimension dim up to the high-water mark, or null below minRows rows. */
export function buildIvf(
  db: BetterSqlite3.Database,
  dim: number,
  mark: number,
  minRows: number,
): { index: IvfIndex | null; rows: number } {
  // One pass over the table into CHUNK-row blocks (no count first: that would be a second full read).
  const blocks: Float32Array[] = [];
  const seqList: number[] = [];
  eachRow(db, dim, 0, mark, (seq, blob) => {
    const n = seqList.length;
    if (n % CHUNK === 0) blocks.push(new Float32Array(CHUNK * dim));
    const block = blocks[blocks.length - 1];
    new Uint8Array(block.buffer).set(blob.subarray(0, dim * 4), (n % CHUNK) * dim * 4);
    seqList.push(seq);
  });
  const n = seqList.length;
  if (n < minRows || n === 0) return { index: null, rows: n };
  const row = (i: number) =>
    blocks[Math.floor(i / CHUNK)].subarray((i % CHUNK) * dim, ((i % CHUNK) + 1) * dim);
  const samples = Math.min(n, SAMPLE_PER_LIST * listCount(n));
  const sample = new Float32Array(samples * dim);
  const stride = n / samples;
  for (let i = 0; i < samples; i++) sample.set(unit(row(Math.floor(i * stride))), i * dim);
  const index = trainIvf(sample, samples, dim, n);
  for (let i = 0; i < n; i++) {
    addToIvf(index, seqList[i], row(i));
    if (i % CHUNK === CHUNK - 1) blocks[Math.floor(i / CHUNK)] = new Float32Array(0); // done with it
  }
  return { index, rows: n };
}
