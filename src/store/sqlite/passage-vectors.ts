// Which path a passage vector search takes, and the approximate index behind the fast one. Below `minRows`
// embeddings of the query's dimension (default 2,000) the search is sqlite-vec's exact scan. Above, an IVF
// index (ivf.ts) picks candidates and SQLite rescores them exactly under the filter: over-fetch then filter,
// max(100, 10 × limit) candidates, then 16× as many when fewer than `limit` of them passed the filter.
// When still fewer pass (a selective filter: one small agent, a rare tag, a narrow date range) the search
// falls back to the exact scan, which computes distances only for the rows the filter lets through.
//
// The index is never the source of truth. It lives in memory, persisted beside the database file
// (ivf-file.ts) with the high-water mark (max passage_embeddings.seq, AUTOINCREMENT so never reused) it has
// seen. Every search reads that mark (one b-tree seek) and first indexes the rows above it, so rows another
// process inserted are found; a missing, torn or foreign file is rebuilt from the table. Deleted rows may
// stay in the index until the next rebuild, but every candidate is joined back to `passages`, so a deleted
// passage is never returned; the index is rebuilt when it has grown to 4× the rows its centroids were
// trained on, or when its file is missing or torn.
import type { RankedId } from "../types.ts";
import { addToIvf, type IvfIndex, ivfSize, listCount, probeCount, searchIvf, trainIvf, unit } from "./ivf.ts";
import { readIvfFile, writeIvfFile } from "./ivf-file.ts";
import { type Sql, vectorBlob } from "./sql.ts";

/** How passage vector search is answered (SqliteOptions.vectorSearch). */
export interface VectorSearchOptions {
  /** "auto" (default): the IVF index above minRows rows of a dimension; "exact": always the exact scan. */
  mode?: "auto" | "exact";
  /** Rows of one dimension below which the exact scan is used. Default 2,000. */
  minRows?: number;
}

/** A filtered rescoring of candidate seqs: the SQL after the candidate list, and its parameters. */
export interface CandidateFilter {
  conditions: string; // " AND …" over alias p (passages)
  params: unknown[];
}

interface Entry {
  index: IvfIndex | null; // null: too few rows, exact scan
  watermark: number;
  rows: number; // rows of this dimension seen (deletes not subtracted)
  dirty: boolean; // changed since last written to the file
}

const DEFAULT_MIN_ROWS = 2_000;
// Rows read per statement while building or catching up, to bound memory per step.
const CHUNK = 20_000;

/** The per-dimension vector indexes of one store connection. */
export class PassageVectorIndex {
  private readonly entries = new Map<number, Entry>();
  private readonly mode: "auto" | "exact";
  private readonly minRows: number;
  constructor(
    private readonly sql: Sql,
    private readonly dbPath: string | null,
    options: VectorSearchOptions = {},
  ) {
    this.mode = options.mode ?? "auto";
    this.minRows = options.minRows ?? DEFAULT_MIN_ROWS;
  }

  /** The index file for a dimension, beside the database (null for an in-memory database). */
  filePath(dim: number): string | null {
    return this.dbPath ? `${this.dbPath}.vectors-${dim}.ivf` : null;
  }

  /** Nearest passages through the index, or null when the exact scan must answer. */
  search(embedding: Float32Array, limit: number, filter: CandidateFilter): RankedId[] | null {
    if (this.mode === "exact") return null;
    const dim = embedding.length;
    const entry = this.current(dim);
    if (!entry.index) return null;
    const probes = probeCount(entry.index, entry.rows);
    for (const want of [Math.max(100, limit * 10), Math.max(1_600, limit * 160)]) {
      const seqs = searchIvf(entry.index, embedding, want, probes);
      const rows = this.sql
        .all<RankedId>(
          `SELECT p.id AS id, 1 - vec_distance_cosine(e.embedding, ?) AS score
           FROM json_each(?) c CROSS JOIN passage_embeddings e ON e.seq = c.value
             CROSS JOIN passages p ON p.seq = e.seq
           WHERE e.dim = ?${filter.conditions}
           ORDER BY score DESC, p.seq DESC LIMIT ?`,
          vectorBlob(embedding),
          JSON.stringify(seqs),
          dim,
          ...filter.params,
          limit,
        )
        .filter((r) => r.score !== null);
      if (rows.length >= limit) return rows;
      if (seqs.length < want) break; // the probed lists hold no more
    }
    return null;
  }

  /** Builds (or loads) every dimension's index now rather than at the first search; returns rows indexed. */
  warm(dim: number): number {
    const e = this.current(dim);
    return e.index ? ivfSize(e.index) : 0;
  }

  /** Writes changed indexes to their files (at close). */
  save(): void {
    for (const [dim, e] of this.entries) {
      const path = this.filePath(dim);
      if (!path || !e.dirty || !e.index) continue;
      try {
        writeIvfFile(path, e.index, e.watermark);
        e.dirty = false;
      } catch {
        // A read-only folder or full disk: the index is rebuilt or caught up at the next open.
      }
    }
  }

  private highWater(): number {
    return this.sql.get<{ s: number }>("SELECT coalesce(max(seq), 0) AS s FROM passage_embeddings")!.s;
  }

  /** The entry for dim, loaded, caught up to the table's high-water mark, rebuilt when missing or stale. */
  private current(dim: number): Entry {
    const mark = this.highWater();
    let e = this.entries.get(dim);
    if (!e) {
      e = this.open(dim, mark);
      this.entries.set(dim, e);
    }
    if (mark > e.watermark) this.catchUp(dim, e, mark);
    if (!e.index && e.rows >= this.minRows) this.rebuild(dim, e, mark);
    else if (e.index && e.rows > 4 * e.index.trainedOn) this.rebuild(dim, e, mark);
    return e;
  }

  private count(dim: number, after = 0): number {
    return this.sql.get<{ n: number }>(
      "SELECT count(*) AS n FROM passage_embeddings WHERE seq > ? AND dim = ?",
      after,
      dim,
    )!.n;
  }

  private open(dim: number, mark: number): Entry {
    const path = this.filePath(dim);
    const stored = path ? readIvfFile(path, dim) : null;
    // No count of the table here: at a million rows that reads every page. Rows deleted behind the file's
    // back stay in it as dead entries (never returned: candidates are joined to passages) until a rebuild.
    if (stored && stored.watermark <= mark) {
      return { index: stored.index, watermark: stored.watermark, rows: ivfSize(stored.index), dirty: false };
    }
    // Missing, torn, or from a newer database (a restored backup): start empty; current() builds it.
    return { index: null, watermark: 0, rows: 0, dirty: true };
  }

  private rows(dim: number, after: number, upTo: number, each: (seq: number, blob: Buffer) => void): void {
    let from = after;
    for (;;) {
      const batch = this.sql.all<{ seq: number; embedding: Buffer }>(
        "SELECT seq, embedding FROM passage_embeddings WHERE seq > ? AND seq <= ? AND dim = ? ORDER BY seq LIMIT ?",
        from,
        upTo,
        dim,
        CHUNK,
      );
      for (const r of batch) each(r.seq, r.embedding);
      if (batch.length < CHUNK) return;
      from = batch[batch.length - 1].seq;
    }
  }

  private catchUp(dim: number, e: Entry, mark: number): void {
    if (!e.index) {
      e.rows += this.count(dim, e.watermark) - this.count(dim, mark);
    } else {
      const v = new Float32Array(dim);
      const bytes = new Uint8Array(v.buffer);
      this.rows(dim, e.watermark, mark, (seq, blob) => {
        bytes.set(blob.subarray(0, dim * 4));
        addToIvf(e.index!, seq, v);
        e.rows++;
      });
      e.dirty = true;
    }
    e.watermark = mark;
  }

  /** Trains centroids on a strided sample of the table and indexes every row, then writes the file. */
  private rebuild(dim: number, e: Entry, mark: number): void {
    // One pass over the table into CHUNK-row blocks (no count first: that would be a second full read).
    const blocks: Float32Array[] = [];
    const seqList: number[] = [];
    this.rows(dim, 0, mark, (seq, blob) => {
      const n = seqList.length;
      if (n % CHUNK === 0) blocks.push(new Float32Array(CHUNK * dim));
      const block = blocks[blocks.length - 1];
      new Uint8Array(block.buffer).set(blob.subarray(0, dim * 4), (n % CHUNK) * dim * 4);
      seqList.push(seq);
    });
    const n = seqList.length;
    if (n < this.minRows) {
      Object.assign(e, { index: null, watermark: mark, rows: n, dirty: false });
      return;
    }
    const row = (i: number) =>
      blocks[Math.floor(i / CHUNK)].subarray((i % CHUNK) * dim, ((i % CHUNK) + 1) * dim);
    const samples = Math.min(n, 24 * listCount(n));
    const sample = new Float32Array(samples * dim);
    const stride = n / samples;
    for (let i = 0; i < samples; i++) sample.set(unit(row(Math.floor(i * stride))), i * dim);
    const index = trainIvf(sample, samples, dim, n);
    for (let i = 0; i < n; i++) addToIvf(index, seqList[i], row(i));
    Object.assign(e, { index, watermark: mark, rows: n, dirty: true });
    this.save();
  }
}
