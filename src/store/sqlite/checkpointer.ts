// WAL checkpoints on a worker thread (map of the store's pieces: README.md). Serves no read and holds
// nothing to invalidate; its PASSIVE checkpoints do not bump PRAGMA data_version, so they do not clear the
// read caches either (a TRUNCATE by another connection would).
// SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages, on the committing
// thread, and fsyncs: the server's one JS thread stalled about 0.3 ms per commit on average (`npm run
// bench -- commit`: 555–611 µs of wall time per commit with the inline
// checkpoint, 362–392 µs with this one; BENCHMARKS.md, "commit"). A second connection on a
// worker thread checkpoints instead (PASSIVE: it never blocks the writer or readers), so the copy and the
// fsync use the other core. If the worker fails, the main connection goes back to automatic checkpoints.
// The WAL only starts over when a write finds every frame copied; under a steady load a commit lands
// during nearly every background pass, so the worker repeats a pass while frames are left, and the main
// connection keeps an inline checkpoint at SAFETY_PAGES: it then copies only what the worker has not, and
// bounds the WAL (without it the file grows without bound under a steady load; checkpointer.test.ts).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";

/** Milliseconds between two background checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** WAL pages (4 KB) past which a commit on the main connection checkpoints inline: the WAL's bound. */
export const SAFETY_PAGES = 8000;

// Plain CommonJS evaluated in the worker, so it loads the same way under tsx, from dist, or bundled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
// A busy or failed checkpoint is simply retried at the next tick: nothing is lost by skipping one. A pass
// that leaves frames (written meanwhile) is repeated a few times: the later passes copy only those.
const checkpoint = () => {
  try {
    for (let pass = 0; pass < 4; pass++) {
      const [r] = db.pragma("wal_checkpoint(PASSIVE)");
      if (!r || r.log <= r.checkpointed) break;
    }
  } catch {}
};
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

  /** Starts checkpointing `path` (the file `db` has open) on a worker thread; the inline checkpoint
   * stays only as the WAL's bound (safetyPages). */
  static start(
    db: BetterSqlite3.Database,
    path: string,
    { intervalMs = CHECKPOINT_INTERVAL_MS, safetyPages = SAFETY_PAGES } = {},
  ) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
    worker.unref();
    const self = new BackgroundCheckpointer(db, worker);
    db.pragma(`wal_autocheckpoint = ${safetyPages}`);
    // After a restart, a WAL file grown past this is cut back (it is reused, not re-created, otherwise).
    db.pragma(`journal_size_limit = ${safetyPages * 4096}`);
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
