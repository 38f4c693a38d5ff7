// Whether another connection (another process on the same file) has committed since the last look:
// SQLite bumps PRAGMA data_version for commits by other connections only, so own writes do not count.
import type BetterSqlite3 from "better-sqlite3";
import type { Sql } from "./sql.ts";

/** Watches PRAGMA data_version for commits by other connections. */
export class ForeignWrites {
  private readonly version: BetterSqlite3.Statement;
  private seen = -1;

  constructor(sql: Sql) {
    this.version = sql.db.prepare("PRAGMA data_version").pluck();
  }

  /** True on the first call and whenever another connection has committed since the previous call. */
  changed(): boolean {
    const v = this.version.get() as number;
    if (v === this.seen) return false;
    this.seen = v;
    return true;
  }
}
