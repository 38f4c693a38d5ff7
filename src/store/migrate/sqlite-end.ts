// A SQLite file as one end of a migration. Messages' and passages' embeddings come from (and go to) their
// side tables; the FTS5 indexes are written with each copied batch (the messages' watermark with them),
// and the IVF vector index files beside the target are removed, so the store rebuilds them from the rows.
import { existsSync, readdirSync, realpathSync, rmSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import Database from "better-sqlite3";
import { LmosError } from "../../errors.ts";
import { migrate } from "../sqlite/migrations.ts";
import { EMBEDDING_COLUMNS, EMBEDDING_TABLES, SEARCH_TEXT, SQLITE_DERIVED_TABLES } from "./derived.ts";
import {
  PROGRESS_TABLE,
  type Batch,
  type End,
  type ReadOrder,
  type TableShape,
  type Value,
} from "./types.ts";

// The tables FTS5 keeps behind a virtual table named v: v_data, v_idx, …
const FTS_SHADOWS = ["data", "idx", "content", "docsize", "config"];
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Opens a SQLite end: a source must be an existing lmos database; a target file is created if missing. */
export function openSqliteEnd(path: string, role: "source" | "target"): SqliteEnd {
  if (role === "source" && !existsSync(path)) {
    throw new LmosError("not_found", `${path}: no such file (the SQLite database to migrate from)`);
  }
  if (role === "target") mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: role === "source" });
  } catch (e) {
    throw new LmosError("invalid_argument", `${path}: cannot open as SQLite (${(e as Error).message})`);
  }
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    // A source must be lmos's; a target may be new (no tables yet) but not another program's database.
    const lmos = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").get();
    const empty = !db.prepare("SELECT 1 FROM sqlite_master LIMIT 1").get();
    if (!lmos && (role === "source" || !empty)) {
      throw new LmosError("invalid_argument", `${path} is not an lmos database (no schema_version)`);
    }
    migrate(db);
  } catch (e) {
    db.close();
    if (LmosError.is(e)) throw e;
    throw new LmosError(
      "invalid_argument",
      `${path}: not a usable SQLite database (${(e as Error).message})`,
    );
  }
  return new SqliteEnd(db, path);
}

/** The IVF index files the store keeps beside a database file (passage-vectors.ts). */
function vectorIndexFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.vectors-`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".ivf"))
    .map((f) => join(dir, f));
}

export class SqliteEnd implements End {
  readonly kind = "sqlite" as const;
  readonly label: string;
  readonly identity: string;
  private readonly statements = new Map<string, Database.Statement>();
  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    this.label = path;
    this.identity = `sqlite:${realpathSync(path)}`;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private tableRows(): Array<{ name: string; sql: string }> {
    return this.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as Array<{
      name: string;
      sql: string;
    }>;
  }

  /** FTS5 tables by name, each the index of the table SEARCH_TEXT names; any other virtual table is an
   * error, since migrate would not know how to rebuild it. */
  private ftsTables(): Set<string> {
    const virtual = this.tableRows().filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql));
    for (const v of virtual) {
      const of = v.name.replace(/_fts$/, "");
      if (!(v.name.endsWith("_fts") && of in SEARCH_TEXT)) {
        throw new LmosError(
          "internal",
          `${this.path}: virtual table ${v.name} is an index lmos migrate does not know how to rebuild`,
        );
      }
    }
    return new Set(virtual.map((v) => v.name));
  }

  async shapes(): Promise<TableShape[]> {
    const fts = this.ftsTables();
    const skip = new Set([...SQLITE_DERIVED_TABLES, PROGRESS_TABLE, ...Object.values(EMBEDDING_TABLES)]);
    for (const v of fts) for (const s of FTS_SHADOWS) skip.add(`${v}_${s}`);
    const shapes: TableShape[] = [];
    for (const t of this.tableRows()) {
      if (fts.has(t.name) || skip.has(t.name) || t.name.startsWith("sqlite_")) continue;
      const info = this.db.pragma(`table_info(${q(t.name)})`) as Array<{ name: string; pk: number }>;
      const columns = info.map((c) => c.name);
      if (t.name in EMBEDDING_TABLES) columns.push(...EMBEDDING_COLUMNS);
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      const refs = (this.db.pragma(`foreign_key_list(${q(t.name)})`) as Array<{ table: string }>).map(
        (f) => f.table,
      );
      shapes.push({
        name: t.name,
        columns: columns.sort(),
        insertionOrder: !/WITHOUT\s+ROWID/i.test(t.sql),
        key: pk.length ? pk.map((c) => c.name) : [...columns].sort(),
        refs: [...new Set(refs)],
      });
    }
    return shapes;
  }

  async snapshot(): Promise<void> {
    // A read transaction: every later read sees the file as it is now (WAL: writers go on meanwhile).
    this.db.exec("BEGIN");
    this.db.prepare("SELECT count(*) FROM sqlite_master").get();
  }

  async count(table: TableShape): Promise<number> {
    return (this.stmt(`SELECT count(*) AS n FROM ${q(table.name)}`).get() as { n: number }).n;
  }

  async read(table: TableShape, order: ReadOrder, after: Value[] | null, limit: number): Promise<Batch> {
    const side = EMBEDDING_TABLES[table.name];
    const cols = table.columns.map((c) =>
      side && EMBEDDING_COLUMNS.includes(c) ? `e.${q(c)}` : `t.${q(c)}`,
    );
    const by = order === "insertion" ? ["t.rowid"] : table.key.map((k) => `t.${q(k)}`);
    const from = side ? `${q(table.name)} t LEFT JOIN ${q(side)} e ON e.seq = t.seq` : `${q(table.name)} t`;
    const where = after ? ` WHERE (${by.join(", ")}) > (${by.map(() => "?").join(", ")})` : "";
    const sql = `SELECT ${[...cols, ...by].join(", ")} FROM ${from}${where} ORDER BY ${by.join(", ")} LIMIT ?`;
    const raw = this.stmt(sql)
      .raw(true)
      .all(...(after ?? []), limit) as Value[][];
    const n = table.columns.length;
    return {
      rows: raw.map((r) => r.slice(0, n)),
      last: raw.length ? raw[raw.length - 1].slice(n) : null,
    };
  }

  private ensureProgressTable(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }

  private putProgress(entries: Record<string, string>): void {
    const put = this.stmt(
      `INSERT INTO ${PROGRESS_TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    for (const [k, v] of Object.entries(entries)) put.run(k, v);
  }

  async write(table: TableShape, rows: Value[][], progress: Record<string, string>): Promise<void> {
    this.ensureProgressTable();
    const side = EMBEDDING_TABLES[table.name];
    const own = table.columns.filter((c) => !(side && EMBEDDING_COLUMNS.includes(c)));
    const at = (c: string) => table.columns.indexOf(c);
    const ownAt = own.map(at);
    const insert = this.stmt(
      `INSERT INTO ${q(table.name)} (${own.map(q).join(", ")}) VALUES (${own.map(() => "?").join(", ")})`,
    );
    const searchText = SEARCH_TEXT[table.name];
    const seqAt = at("seq");
    const [dimAt, embeddingAt] = EMBEDDING_COLUMNS.map(at);
    const embed = side ? this.stmt(`INSERT INTO ${q(side)} (seq, dim, embedding) VALUES (?, ?, ?)`) : null;
    const fts = searchText
      ? this.stmt(`INSERT INTO ${q(`${table.name}_fts`)} (rowid, text) VALUES (?, ?)`)
      : null;
    this.db
      .transaction(() => {
        for (const row of rows) {
          insert.run(...ownAt.map((i) => row[i]));
          if (embed && row[embeddingAt] !== null) embed.run(row[seqAt], row[dimAt], row[embeddingAt]);
          if (fts && searchText) {
            const named = Object.fromEntries(table.columns.map((c, i) => [c, row[i]]));
            fts.run(row[seqAt], searchText(named));
          }
        }
        // Messages are copied in seq order, so everything up to the batch's last seq is indexed now.
        if (table.name === "messages" && rows.length) {
          this.stmt("UPDATE messages_fts_state SET indexed_seq = max(indexed_seq, ?) WHERE id = 1").run(
            rows[rows.length - 1][seqAt],
          );
        }
        this.putProgress(progress);
      })
      .immediate();
  }

  async progress(): Promise<Record<string, string>> {
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(PROGRESS_TABLE);
    if (!exists) return {};
    const rows = this.db.prepare(`SELECT key, value FROM ${PROGRESS_TABLE}`).all() as Array<{
      key: string;
      value: string;
    }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async setProgress(entries: Record<string, string>): Promise<void> {
    this.ensureProgressTable();
    this.db.transaction(() => this.putProgress(entries)).immediate();
  }

  async erase(): Promise<void> {
    const fts = this.ftsTables();
    const shadows = new Set([...fts].flatMap((v) => FTS_SHADOWS.map((s) => `${v}_${s}`)));
    // Foreign keys off while emptying, so the order of the deletes does not matter (not inside a transaction:
    // SQLite ignores the pragma there).
    this.db.pragma("foreign_keys = OFF");
    try {
      this.db
        .transaction(() => {
          for (const t of this.tableRows()) {
            if (fts.has(t.name))
              this.db.prepare(`INSERT INTO ${q(t.name)} (${q(t.name)}) VALUES ('delete-all')`).run();
            else if (!shadows.has(t.name) && t.name !== "schema_version" && t.name !== "messages_fts_state") {
              this.db.prepare(`DELETE FROM ${q(t.name)}`).run();
            }
          }
          this.db.prepare("UPDATE messages_fts_state SET indexed_seq = 0").run();
        })
        .immediate();
    } finally {
      this.db.pragma("foreign_keys = ON");
    }
    this.removeVectorIndexes();
  }

  private removeVectorIndexes(): void {
    for (const f of vectorIndexFiles(this.path)) rmSync(f, { force: true });
  }

  async highWater(table: TableShape): Promise<number | null> {
    if (!table.columns.includes("seq")) return null;
    const row = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?").get(table.name) as
      | { seq: number }
      | undefined;
    return row ? row.seq : null;
  }

  async finish(tables: TableShape[], highWater: Map<string, number>): Promise<void> {
    this.db
      .transaction(() => {
        // AUTOINCREMENT never hands out a seq again, even a deleted one's: keep the source's high-water mark.
        for (const t of tables) {
          const mark = highWater.get(t.name);
          if (mark === undefined) continue;
          const changed = this.db
            .prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?")
            .run(mark, t.name).changes;
          if (!changed)
            this.db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)").run(t.name, mark);
        }
        this.db
          .prepare(
            "UPDATE messages_fts_state SET indexed_seq = (SELECT coalesce(max(seq), 0) FROM messages) WHERE id = 1",
          )
          .run();
      })
      .immediate();
    // One b-tree per index instead of a segment per batch, so searches read less.
    for (const v of this.ftsTables())
      this.db.prepare(`INSERT INTO ${q(v)} (${q(v)}) VALUES ('optimize')`).run();
    this.removeVectorIndexes();
  }

  async close(): Promise<void> {
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    try {
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    } catch {}
    this.db.close();
  }
}
