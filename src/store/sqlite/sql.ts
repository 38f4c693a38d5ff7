// A better-sqlite3 connection with a statement cache: every distinct SQL text is prepared once, so the
// dynamic queries (filters, patches) cost a Map lookup after their first use.
import type BetterSqlite3 from "better-sqlite3";

/** A connection plus its prepared-statement cache. */
export class Sql {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  // One transaction wrapper that runs whatever it is given: better-sqlite3 builds four wrapper functions
  // per db.transaction() call, and the hot path opens several (nested: savepoints) per step.
  private readonly inTx: BetterSqlite3.Transaction<(fn: () => unknown) => unknown>;
  constructor(readonly db: BetterSqlite3.Database) {
    this.inTx = db.transaction((fn: () => unknown) => fn());
  }

  /** The prepared statement for this SQL text (prepared on first use). */
  stmt(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  run(sql: string, ...params: unknown[]): BetterSqlite3.RunResult {
    return this.stmt(sql).run(...params);
  }

  /** Runs fn in a transaction (a savepoint when nested); any throw rolls everything back. IMMEDIATE
   * takes the write lock up front, so a read-then-write cannot fail with BUSY_SNAPSHOT when another
   * process writes the same file; busy_timeout makes it wait instead. */
  tx<T>(fn: () => T): T {
    return this.inTx.immediate(fn) as T;
  }
}

/** A Float32Array as the little-endian BLOB sqlite-vec reads. */
export function vectorBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export { canonicalIso, endBound } from "../sql/time.ts";
