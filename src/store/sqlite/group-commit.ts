// Group commit (map of the store's pieces: README.md). Serves no read: a read does not wait for it, since a
// queued write is not acknowledged yet. Holds nothing to invalidate; `write`, backup and close flush it
// first, and a batch that rolls back whole calls `aborted`, which clears both read caches (the batch's
// writes had already updated them in their savepoints).
// The writes queued in one turn of the event loop (under load, the step commits of many agents) run in
// ONE SQLite transaction, each in its own savepoint so that a failing one rolls back alone
// and rejects alone. Why: a commit here costs mostly system calls — two WAL writes per page it touches and
// the lock calls of the transaction — and these VMs make system calls dear. The commits of a batch share
// the pages they all touch (the tail of the messages table and of its id index, the steps table, the runs
// index) and take the locks once: `npm run bench -- commit` prints WAL pages and time per commit, one by
// one and in batches. Each promise resolves only once its batch has committed, so nothing is
// acknowledged before it is durable; a batch that fails as a whole (COMMIT itself failing) rejects all.
import { noteLocalWrite } from "./foreign-writes.ts";
import type { Sql } from "./sql.ts";

interface Queued {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Batches queued writes into one transaction per event-loop turn. */
export class GroupCommit {
  private queue: Queued[] = [];
  private timer: NodeJS.Immediate | null = null;

  /** `aborted` runs when a whole batch rolled back after its writes ran (caches may hold their effects). */
  constructor(
    private readonly sql: Sql,
    private readonly aborted: () => void,
  ) {}

  /** Queues a write (run later inside a savepoint, with everything it does after its SQL) and resolves
   * with its result once its batch has committed. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.timer ??= setImmediate(() => this.flush());
    });
  }

  /** Commits what is queued now: before any other write (so writes apply in the order they were issued),
   * and before a backup or close. */
  flush(): void {
    if (this.timer) {
      clearImmediate(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const outcomes: Outcome[] = [];
    let ran = false;
    noteLocalWrite();
    try {
      this.sql.tx(() => {
        ran = true;
        for (const q of batch) {
          try {
            outcomes.push({ ok: true, value: this.sql.tx(q.fn) });
          } catch (error) {
            // Some errors (SQLITE_FULL, IOERR, NOMEM) make SQLite roll back the whole transaction, not just
            // the savepoint: the writes before this one are gone, and those after would each run (and
            // commit) in a transaction of their own while the batch reports failure. The batch fails whole.
            if (!this.sql.db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      if (ran) this.aborted();
      for (const q of batch) q.reject(error);
      return;
    }
    batch.forEach((q, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }
}
