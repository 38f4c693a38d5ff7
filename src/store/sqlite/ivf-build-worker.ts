// The worker-thread side of a background index build (passage-vectors.ts): opens the database read-only on
// its own connection, builds the index of one dimension up to the high-water mark it was given, writes the
// index file (ivf-file.ts: temp file then rename, so a crash here leaves the old file or none, never a torn
// one) and posts the arrays back to the main thread, transferred rather than copied.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { buildIvf } from "./ivf-build.ts";
import { writeIvfFile } from "./ivf-file.ts";

/** What the main thread passes. */
export interface BuildRequest {
  dbPath: string;
  filePath: string;
  dim: number;
  mark: number;
  minRows: number;
}

/** The one message the worker posts: the index's arrays, or why it could not build. */
export type BuildReply =
  | {
      ok: true;
      rows: number;
      written: boolean;
      index: null | {
        centroids: Float32Array;
        trainedOn: number;
        lists: { len: number; seqs: Float64Array; scales: Float32Array; codes: Int8Array }[];
      };
    }
  | { ok: false; error: string };

const port = parentPort;
if (!port) throw new Error("ivf-build-worker.ts runs only as a worker thread");
const req = workerData as BuildRequest;
let reply: BuildReply;
const transfer: ArrayBuffer[] = [];
try {
  const db = new Database(req.dbPath, { readonly: true, fileMustExist: true });
  let built: ReturnType<typeof buildIvf>;
  try {
    built = buildIvf(db, req.dim, req.mark, req.minRows);
  } finally {
    db.close();
  }
  const { index, rows } = built;
  let written = false;
  if (index) {
    try {
      writeIvfFile(req.filePath, index, req.mark);
      written = true;
    } catch {
      // A read-only folder or a full disk: the main thread keeps the index in memory and retries at close.
    }
    transfer.push(index.centroids.buffer as ArrayBuffer);
    for (const l of index.lists)
      transfer.push(
        l.seqs.buffer as ArrayBuffer,
        l.scales.buffer as ArrayBuffer,
        l.codes.buffer as ArrayBuffer,
      );
  }
  reply = {
    ok: true,
    rows,
    written,
    index: index && { centroids: index.centroids, trainedOn: index.trainedOn, lists: index.lists },
  };
} catch (e) {
  reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
}
port.postMessage(reply, transfer);
