// What `lmos migrate` sees of each end: the tables of an installation as logical tables (the same on
// SQLite and PostgreSQL once derived columns are set aside and side tables folded in), read in batches in
// a stable order and written in batches that commit with their progress mark.

/** A column value as both stores hand it over (integers as numbers, text, bytes, null). */
export type Value = null | number | string | Buffer;

/** One logical table of an installation, as one end stores it. */
export interface TableShape {
  name: string;
  /** Logical columns, sorted by name (side tables' columns folded in: a message's dim and embedding). */
  columns: string[];
  /** Whether this end keeps the rows' insertion order (SQLite rowid, PostgreSQL `seq` identity). */
  insertionOrder: boolean;
  /** The primary key's columns (all columns when there is none). */
  key: string[];
  /** Tables this one references by foreign key (they are copied first). */
  refs: string[];
}

/** The order a read walks: the end's insertion order, or the primary key. */
export type ReadOrder = "insertion" | "key";

/** A batch read: rows in the asked columns' order, and the order mark after the last row. */
export interface Batch {
  rows: Value[][];
  last: Value[] | null;
}

/** One end of a migration: a SQLite file or a PostgreSQL schema, opened and migrated to this lmos. */
export interface End {
  readonly kind: "sqlite" | "postgres";
  /** Where it is, for messages (a path, or the URL without password). */
  readonly label: string;
  /** A stable identity of this end, recorded in a target to recognise a resumed migration. */
  readonly identity: string;
  shapes(): Promise<TableShape[]>;
  /** Makes every later read (as a source) see the database as it is now, whatever is written meanwhile. */
  snapshot(): Promise<void>;
  count(table: TableShape): Promise<number>;
  /** Up to `limit` rows after the mark `after` (null: from the start), in `order`. */
  read(table: TableShape, order: ReadOrder, after: Value[] | null, limit: number): Promise<Batch>;
  /** Inserts rows (columns as in table.columns) and sets progress entries, in one transaction. */
  write(table: TableShape, rows: Value[][], progress: Record<string, string>): Promise<void>;
  /** The progress entries a migration into this end left (empty when none did). */
  progress(): Promise<Record<string, string>>;
  setProgress(entries: Record<string, string>): Promise<void>;
  /** Deletes every row of the installation (derived indexes and progress included). */
  erase(): Promise<void>;
  /** The highest `seq` ever handed out for a table with an explicit seq column (null: none). */
  highWater(table: TableShape): Promise<number | null>;
  /** After the copy: sequences past the copied high-water marks, search indexes current. */
  finish(tables: TableShape[], highWater: Map<string, number>): Promise<void>;
  close(): Promise<void>;
}

/** The table a migration keeps its progress in, in the target (never copied itself). */
export const PROGRESS_TABLE = "lmos_migration";
