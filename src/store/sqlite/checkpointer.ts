// WAL checkpoints on a worker thread. SQLite's automatic checkpoint runs inside the COMMIT that crosses
// 1,000 WAL pages, on the committing thread, and fsyncs: the server's one JS thread stalled about 0.3 ms
// per commit on average (a commit took 0.68 ms of wall time for 0.35 ms of CPU; without the inline
// checkpoint 0.36 ms of wall time: tmp measurement in BENCHMARKS.md, "Store"). A second connection on a
// worker thread checkpoints instead (PASSIVE: it never blocks the writer or readers), so the copy and the
// fsync use the other core. If the worker fails, the main connection goes back to automatic checkpoints.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";

/** Milliseconds between two background checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 200;

// Plain CommonJS evaluated in the worker, so it loads the same way under tsx, from dist, or bundled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
// A busy or failed checkpoint is simply retried at the next tick: nothing is lost by skipping one.
const checkpoint = () => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} };
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** A running background checkpointer for one database file. */
export class BackgroundCheckpointer {
  private worker: Worker | null;
  private constructor(
    private readonly db: BetterSqlite3.Database,
    worker: Worker,
  ) {
    this.worker = worker;
  }

  /** Starts checkpointing `path` (the file `db` has open) on a worker thread and turns off the inline one. */
  static start(db: BetterSqlite3.Database, path: string, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
    worker.unref();
    const self = new BackgroundCheckpointer(db, worker);
    db.pragma("wal_autocheckpoint = 0");
    worker.on("error", () => self.fallBack());
    worker.on("exit", () => self.fallBack());
    return self;
  }

  /** Whether checkpoints currently run on the worker. */
  get running(): boolean {
    return this.worker !== null;
  }

  private fallBack(): void {
    if (!this.worker) return;
    this.worker = null;
    if (this.db.open) this.db.pragma("wal_autocheckpoint = 1000");
  }

  /** Stops the worker (the main connection, closing last, checkpoints what is left); resolves on exit. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
    w.ref(); // an unref'd worker would let the loop empty while close() awaits it (exit code 13)
    w.postMessage("stop");
    await exited;
  }
}
