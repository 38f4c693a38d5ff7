// Opening the embedded database: file, pragmas, sqlite-vec, migrations.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import type { Store } from "../types.ts";
import { BackgroundCheckpointer } from "./checkpointer.ts";
import { migrate } from "./migrations.ts";
import { PassageVectorIndex, type VectorSearchOptions } from "./passage-vectors.ts";
import { Sql } from "./sql.ts";
import { SqliteStore } from "./store.ts";

export interface SqliteOptions {
  /** Checkpoint the WAL on a worker thread instead of inside commits (checkpointer.ts); for long-lived
   * processes such as `lmos serve`. Ignored for ":memory:". Default false. */
  backgroundCheckpoint?: boolean;
  /** Passage vector search: exact below 2,000 rows of a dimension, an IVF index above, built in the
   * background when missing or stale (passage-vectors.ts). */
  vectorSearch?: VectorSearchOptions;
}

/** Opens (creating if needed, parent folders included) the SQLite database at path, or ":memory:". */
export async function openSqliteStore(path: string, options: SqliteOptions = {}): Promise<Store> {
  const memory = path === ":memory:" || path === "";
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // WAL: readers never block the writer; NORMAL sync survives process crashes (not power loss).
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    // Savepoints' undo pages (the statement journal) in memory: a group commit (group-commit.ts) runs
    // each write in a savepoint, and past 64 KB SQLite would write that journal to a temp file.
    db.pragma("temp_store = MEMORY");
    sqliteVec.load(db);
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  let checkpointer: BackgroundCheckpointer | null = null;
  try {
    if (options.backgroundCheckpoint && !memory) checkpointer = BackgroundCheckpointer.start(db, path);
  } catch (e) {
    db.close();
    throw e;
  }
  const sql = new Sql(db);
  const vectors = new PassageVectorIndex(sql, memory ? null : path, options.vectorSearch);
  return new SqliteStore(sql, checkpointer, vectors);
}
