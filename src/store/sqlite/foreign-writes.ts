// The invalidation of both read caches (AgentCache, LinkedCache; map: README.md) by other connections.
// Serves no read itself: a cache calls check() before it answers, and check() clears every watched cache
// when another connection has committed since the last look.
// Whether another connection (another process on the same file) has committed since the last look:
// SQLite bumps PRAGMA data_version for commits by other connections only, so own writes do not count.
// Outside a transaction the PRAGMA is a read transaction of its own, whose lock calls cost microseconds
// (several checks per step); so it is read once per turn of the event loop there — a foreign commit is
// seen from the next turn on, as if the reads of this turn had come just before it — and every time
// inside a transaction, where it is nearly free and where a write must build on what is stored. A write
// through any connection of this process makes every watcher look again (two stores on one file in one
// process see each other's writes at once).
import type BetterSqlite3 from "better-sqlite3";
import type { Sql } from "./sql.ts";

let localWrites = 0;

/** Records that a connection of this process has written (so watchers look again before trusting a cache). */
export function noteLocalWrite(): void {
  localWrites++;
}

/** Watches PRAGMA data_version for commits by other connections and then clears the caches that read
 * through this connection (one watcher per connection, so one PRAGMA read serves them all). */
export class ForeignWrites {
  private readonly version: BetterSqlite3.Statement;
  private readonly caches: Array<() => void> = [];
  private seen = -1;
  private lookedThisTurn = false;
  private lookedAtLocal = -1;

  constructor(private readonly sql: Sql) {
    this.version = sql.db.prepare("PRAGMA data_version").pluck();
  }

  /** Registers a cache's clear(), called whenever another connection has committed. */
  watch(clear: () => void): void {
    this.caches.push(clear);
  }

  /** Clears the watched caches if another connection has committed since the previous look (and on the
   * first look). A cache calls this before it answers. */
  check(): void {
    const inTx = this.sql.db.inTransaction;
    if (!inTx && this.lookedThisTurn && this.lookedAtLocal === localWrites) return;
    const v = this.version.get() as number;
    if (!inTx) {
      this.lookedAtLocal = localWrites;
      if (!this.lookedThisTurn) {
        this.lookedThisTurn = true;
        setImmediate(() => {
          this.lookedThisTurn = false;
        });
      }
    }
    if (v === this.seen) return;
    this.seen = v;
    for (const clear of this.caches) clear();
  }
}
