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
// process inserted are found. Deleted rows may stay in the index until the next rebuild, but every
// candidate is joined back to `passages`, so a deleted passage is never returned. The index is rebuilt
// when its file is missing, torn or foreign, and when it has grown to 4× the rows its centroids were
// trained on. A rebuild never blocks a search: for a database file it runs on a worker thread with its own
// read-only connection (ivf-build-worker.ts), and until it is done searches take the exact scan (no index
// yet) or the old index, caught up as usual; the finished index is adopted and caught up from the mark it
// was built to. The worker writes the file by rename, so a crash mid-build leaves the old file or none.
// In-memory databases (no file for a worker to open) and `build: "inline"` build within the search.
import { Worker } from "node:worker_threads";
import type { RankedId } from "../types.ts";
import { addToIvf, type IvfIndex, ivfSize, PROBE_FACTOR, probeCount, searchIvf } from "./ivf.ts";
import { buildIvf, eachRow } from "./ivf-build.ts";
import type { BuildReply, BuildRequest } from "./ivf-build-worker.ts";
import { readIvfFile, writeIvfFile } from "./ivf-file.ts";
import { type Sql, vectorBlob } from "./sql.ts";

/** How passage vector search is answered (SqliteOptions.vectorSearch). */
export interface VectorSearchOptions {
  /** "auto" (default): the IVF index above minRows rows of a dimension; "exact": always the exact scan. */
  mode?: "auto" | "exact";
  /** Rows of one dimension below which the exact scan is used. Default 2,000. */
  minRows?: number;
  /** Where a missing or stale index is built: "background" (default; a worker thread, searches meanwhile
   * take the exact scan or the old index) or "inline" (inside the search that needs it). In-memory
   * databases always build inline. */
  build?: "background" | "inline";
  /** Lists a query scans, as a multiple of √lists (ivf.ts probeCount; default 1): more scans more rows
   * for more recall. */
  probeFactor?: number;
  /** Told each time an index becomes usable: loaded from its file, or built (how long it took). */
  onIndex?: (event: VectorIndexEvent) => void;
}

/** An index became usable (VectorSearchOptions.onIndex). */
export interface VectorIndexEvent {
  dim: number;
  rows: number;
  how: "loaded" | "built inline" | "built in background";
  ms: number;
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
  building: Worker | null; // a background build under way
  retryAt: number; // after a failed build: not before this time (ms since the epoch)
}

const DEFAULT_MIN_ROWS = 2_000;
const RETRY_MS = 60_000;
const CLOSE_WAIT_MS = 3_000; // how long close() lets a build under way finish

function workerEntry(): { spec: string | URL; eval: boolean } {
  const url = new URL(
    `./ivf-build-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
    import.meta.url,
  );
  if (!url.pathname.endsWith(".ts")) return { spec: url, eval: false };
  // Sources run through tsx (tests, `npm run lmos`): load the worker through tsx's loader as well.
  const tsx = import.meta.resolve("tsx/esm/api");
  const u = JSON.stringify(url.href);
  return { spec: `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${u}, ${u}))`, eval: true };
}

/** The per-dimension vector indexes of one store connection. */
export class PassageVectorIndex {
  private readonly entries = new Map<number, Entry>();
  private readonly mode: "auto" | "exact";
  private readonly minRows: number;
  private readonly background: boolean;
  private readonly onIndex: (event: VectorIndexEvent) => void;
  private readonly probeFactor: number;
  private closed = false;
  constructor(
    private readonly sql: Sql,
    private readonly dbPath: string | null,
    options: VectorSearchOptions = {},
  ) {
    this.mode = options.mode ?? "auto";
    this.minRows = options.minRows ?? DEFAULT_MIN_ROWS;
    this.background = dbPath !== null && options.build !== "inline";
    this.onIndex = options.onIndex ?? (() => {});
    this.probeFactor = options.probeFactor ?? PROBE_FACTOR;
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
    const probes = probeCount(entry.index.lists.length, entry.rows, this.probeFactor);
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

  /** Writes changed indexes to their files; a build under way gets CLOSE_WAIT_MS to write its file, then
   * is ended (its work lost, nothing torn). */
  async close(): Promise<void> {
    this.closed = true;
    this.save();
    const workers = [...this.entries.values()].flatMap((e) => (e.building ? [e.building] : []));
    // A short-lived process (a one-shot CLI command) would otherwise never finish a build: give one
    // under way a moment to write its file, then end it.
    await Promise.all(
      workers.map(async (w) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise((resolve) => w.once("exit", resolve)),
          new Promise((resolve) => {
            timer = setTimeout(resolve, CLOSE_WAIT_MS);
          }),
        ]);
        clearTimeout(timer);
        await w.terminate();
      }),
    );
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
    const missing = !e.index && e.rows >= this.minRows;
    const stale = e.index !== null && e.rows > 4 * e.index.trainedOn;
    if ((missing || stale) && !e.building && Date.now() >= e.retryAt) {
      if (this.background) this.buildInBackground(dim, e, mark);
      else this.rebuild(dim, e, mark);
    }
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
      const rows = ivfSize(stored.index);
      this.onIndex({ dim, rows, how: "loaded", ms: 0 });
      return {
        index: stored.index,
        watermark: stored.watermark,
        rows,
        dirty: false,
        building: null,
        retryAt: 0,
      };
    }
    // Missing, torn, or from a newer database (a restored backup): start empty; current() builds it.
    return { index: null, watermark: 0, rows: 0, dirty: true, building: null, retryAt: 0 };
  }

  private catchUp(dim: number, e: Entry, mark: number): void {
    if (!e.index) {
      e.rows += this.count(dim, e.watermark) - this.count(dim, mark);
    } else {
      const v = new Float32Array(dim);
      const bytes = new Uint8Array(v.buffer);
      eachRow(this.sql.db, dim, e.watermark, mark, (seq, blob) => {
        bytes.set(blob.subarray(0, dim * 4));
        addToIvf(e.index!, seq, v);
        e.rows++;
      });
      e.dirty = true;
    }
    e.watermark = mark;
  }

  /** Builds the index inside this call (in-memory databases, `build: "inline"`), then writes the file. */
  private rebuild(dim: number, e: Entry, mark: number): void {
    const t0 = performance.now();
    const { index, rows } = buildIvf(this.sql.db, dim, mark, this.minRows);
    Object.assign(e, { index, watermark: mark, rows, dirty: index !== null });
    if (!index) return;
    this.save();
    this.onIndex({ dim, rows, how: "built inline", ms: performance.now() - t0 });
  }

  /** Starts building the index up to `mark` on a worker thread; adopts it when it is done. Searches go on
   * meanwhile with what the entry has (no index: the exact scan). */
  private buildInBackground(dim: number, e: Entry, mark: number): void {
    const t0 = performance.now();
    const request: BuildRequest = {
      dbPath: this.dbPath!,
      filePath: this.filePath(dim)!,
      dim,
      mark,
      minRows: this.minRows,
    };
    const entry = workerEntry();
    const worker = new Worker(entry.spec, { eval: entry.eval, workerData: request });
    worker.unref(); // a build under way never keeps the process alive
    e.building = worker;
    let settled = false;
    const fail = () => {
      if (settled) return;
      settled = true;
      e.building = null;
      e.retryAt = Date.now() + RETRY_MS;
    };
    worker.once("message", (reply: BuildReply) => {
      if (settled) return;
      settled = true;
      e.building = null;
      void worker.terminate();
      if (this.closed) return;
      if (!reply.ok || !reply.index) {
        e.retryAt = Date.now() + RETRY_MS;
        return;
      }
      // The rows above `mark` are indexed by the next search's catch-up, as for a loaded file.
      const index: IvfIndex = { dim, ...reply.index };
      Object.assign(e, { index, watermark: mark, rows: reply.rows, dirty: !reply.written });
      this.onIndex({ dim, rows: reply.rows, how: "built in background", ms: performance.now() - t0 });
    });
    worker.once("error", fail);
    worker.once("exit", fail);
  }
}
