// A PostgreSQL schema as one end of a migration. Rows go in one INSERT … SELECT FROM unnest(column
// arrays) per batch — one parameter per column, however many rows — with the tsvector (and the pgvector
// column, when the extension is on) computed from the row as the store computes it; messages' and
// passages' seq values are kept (OVERRIDING SYSTEM VALUE) and their sequences moved past them at the end.
import type pg from "pg";
import { LmosError } from "../../errors.ts";
import { Db, positional, quoteIdent as q } from "../postgres/db.ts";
import { hasPgvector, migrate } from "../postgres/migrations.ts";
import { DEFAULT_SCHEMA, parseDatabaseUrl, redact } from "../postgres/open.ts";
import { vectorLiteral } from "../postgres/search.ts";
import { lexicalColumns } from "../postgres/lexical.ts";
import { SEARCH_TEXT } from "./derived.ts";
import { type Meta, readShapes } from "./postgres-shapes.ts";
import {
  PROGRESS_TABLE,
  type Batch,
  type End,
  type ReadOrder,
  type TableShape,
  type Value,
} from "./types.ts";

function unreachable(url: string, e: unknown): LmosError {
  return new LmosError("internal", `cannot use PostgreSQL at ${redact(url)}: ${(e as Error).message}`, {
    cause: e,
  });
}

/** Opens a PostgreSQL end: a source must hold an lmos schema; a target's schema is created if missing. */
export async function openPostgresEnd(url: string, role: "source" | "target"): Promise<PostgresEnd> {
  const { connectionString, schema: fromUrl } = parseDatabaseUrl(url);
  const schema = fromUrl ?? DEFAULT_SCHEMA;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new LmosError("invalid_argument", `schema "${schema}" must be letters, digits and _ (at most 63)`);
  }
  const db = new Db(connectionString, schema, 2);
  try {
    if (role === "source") {
      const found = await db.get(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'schema_migrations'",
        schema,
      );
      if (!found) {
        throw new LmosError("not_found", `no lmos installation in schema "${schema}" at ${redact(url)}`);
      }
    }
    await migrate(db, schema);
    const pgvector = await hasPgvector(db, schema);
    return new PostgresEnd(db, schema, url, pgvector);
  } catch (e) {
    await db.close().catch(() => {});
    throw LmosError.is(e) ? e : unreachable(url, e);
  }
}

export class PostgresEnd implements End {
  readonly kind = "postgres" as const;
  readonly label: string;
  readonly identity: string;
  private readonly meta = new Map<string, Meta>();
  // The source's reads, on one connection in one REPEATABLE READ transaction (snapshot()).
  private reader: pg.PoolClient | null = null;
  constructor(
    private readonly db: Db,
    private readonly schema: string,
    url: string,
    private readonly pgvector: boolean,
  ) {
    const u = new URL(parseDatabaseUrl(url).connectionString);
    this.label = `${redact(url)}`;
    this.identity = `postgres:${u.hostname}:${u.port || 5432}${u.pathname}#${schema}`;
  }

  async shapes(): Promise<TableShape[]> {
    const { shapes, meta } = await readShapes(this.db, this.schema);
    for (const [name, m] of meta) this.meta.set(name, m);
    return shapes;
  }

  private metaOf(table: TableShape): Meta {
    const m = this.meta.get(table.name);
    if (!m) throw new LmosError("internal", `table ${table.name} is not in the PostgreSQL schema`);
    return m;
  }

  /** Rows of a read, through the snapshot's connection once there is one. */
  private async select<T>(sql: string, values: unknown[], rowMode?: "array"): Promise<T[]> {
    const on = this.reader ?? this.db.pool;
    const text = positional(sql);
    const res = rowMode ? await on.query({ text, values, rowMode }) : await on.query({ text, values });
    return res.rows as T[];
  }

  async snapshot(): Promise<void> {
    this.reader = await this.db.pool.connect();
    await this.reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await this.reader.query("SELECT 1"); // the snapshot is taken at the first statement
  }

  async count(table: TableShape): Promise<number> {
    return (await this.select<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${q(table.name)}`, []))[0].n;
  }

  async read(table: TableShape, order: ReadOrder, after: Value[] | null, limit: number): Promise<Batch> {
    const m = this.metaOf(table);
    // Text keys in byte order ("C"), which is SQLite's BINARY order: both ends walk (and digest) alike.
    const by =
      order === "insertion"
        ? [q(m.orderColumn ?? "seq")]
        : table.key.map((k) => (m.types.get(k) === "text" ? `${q(k)} COLLATE "C"` : q(k)));
    const where = after ? ` WHERE (${by.join(", ")}) > (${by.map(() => "?").join(", ")})` : "";
    const sql = `SELECT ${[...table.columns.map(q), ...by].join(", ")} FROM ${q(table.name)}${where}
      ORDER BY ${by.join(", ")} LIMIT ?`;
    const raw = await this.select<Value[]>(sql, [...(after ?? []), limit], "array");
    const n = table.columns.length;
    return { rows: raw.map((r) => r.slice(0, n)), last: raw.length ? raw[raw.length - 1].slice(n) : null };
  }

  private async ensureProgressTable(): Promise<void> {
    await this.db.run(
      `CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    );
  }

  private upsert(): string {
    return `INSERT INTO ${PROGRESS_TABLE} (key, value) SELECT * FROM unnest(?::text[], ?::text[])
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
  }

  async write(table: TableShape, rows: Value[][], progress: Record<string, string>): Promise<void> {
    await this.ensureProgressTable();
    const m = this.metaOf(table);
    const columns = table.columns;
    const arrays: unknown[][] = columns.map((_, i) => rows.map((r) => r[i]));
    const slots = columns.map((c) => `?::${m.types.get(c)}[]`);
    const names = columns.map(q);
    const values = columns.map((c) => `u.${q(c)}`);
    const targets = [...names];
    const search = SEARCH_TEXT[table.name];
    if (m.tsv && search) {
      // The same terms the store writes (FTS5's, computed in JS), so search ranks as on the source.
      const lex = rows.map((r) =>
        lexicalColumns(search(Object.fromEntries(columns.map((c, i) => [c, r[i]])))),
      );
      arrays.push(lex.map((l) => l.tsv));
      slots.push("?::text[]");
      names.push("__tsv");
      targets.push("tsv");
      values.push("u.__tsv::tsvector");
      if (m.terms) {
        arrays.push(lex.map((l) => l.terms));
        slots.push("?::int[]");
        names.push("__terms");
        targets.push("terms");
        values.push("u.__terms");
      }
    }
    if (m.vec && this.pgvector) {
      const at = columns.indexOf("embedding");
      arrays.push(rows.map((r) => (r[at] instanceof Buffer ? vectorLiteral(floats(r[at] as Buffer)) : null)));
      slots.push("?::text[]");
      names.push("__vec");
      targets.push("vec");
      values.push("u.__vec::vector");
    }
    const overriding = columns.some((c) => m.identity.has(c)) ? " OVERRIDING SYSTEM VALUE" : "";
    const sql = `INSERT INTO ${q(table.name)} (${targets.join(", ")})${overriding}
      SELECT ${values.join(", ")} FROM unnest(${slots.join(", ")}) WITH ORDINALITY AS u(${names.join(", ")}, __ord)
      ORDER BY u.__ord`;
    await this.db.tx(async (tx) => {
      if (rows.length) await tx.run(sql, ...arrays);
      await tx.run(this.upsert(), Object.keys(progress), Object.values(progress));
    });
  }

  async progress(): Promise<Record<string, string>> {
    const exists = await this.db.get(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
      this.schema,
      PROGRESS_TABLE,
    );
    if (!exists) return {};
    const rows = await this.db.all<{ key: string; value: string }>(
      `SELECT key, value FROM ${PROGRESS_TABLE}`,
    );
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async setProgress(entries: Record<string, string>): Promise<void> {
    await this.ensureProgressTable();
    await this.db.run(this.upsert(), Object.keys(entries), Object.values(entries));
  }

  async erase(): Promise<void> {
    const tables = await this.db.all<{ t: string }>(
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = ? AND tablename <> 'schema_migrations'",
      this.schema,
    );
    if (tables.length) {
      await this.db.run(`TRUNCATE ${tables.map((t) => q(t.t)).join(", ")} RESTART IDENTITY CASCADE`);
    }
  }

  private sequenceOf(table: TableShape): string {
    return `${q(this.schema)}.${q(table.name)}`;
  }

  async highWater(table: TableShape): Promise<number | null> {
    if (!table.columns.includes("seq") || !this.metaOf(table).identity.has("seq")) return null;
    const [row] = await this.select<{ v: number | null }>(
      "SELECT pg_sequence_last_value(pg_get_serial_sequence(?, 'seq')::regclass)::int8 AS v",
      [this.sequenceOf(table)],
    );
    return row?.v ?? null;
  }

  async finish(tables: TableShape[], highWater: Map<string, number>): Promise<void> {
    for (const t of tables) {
      if (!t.columns.includes("seq") || !this.metaOf(t).identity.has("seq")) continue;
      // Rows came with their seq: move the identity past them (and past the source's own high-water
      // mark, so a seq is never handed out twice), or the next insert would collide.
      const max = (await this.db.get<{ n: number }>(
        `SELECT coalesce(max(seq), 0)::int8 AS n FROM ${q(t.name)}`,
      ))!.n;
      const mark = Math.max(max, highWater.get(t.name) ?? 0);
      if (mark > 0) {
        await this.db.run("SELECT setval(pg_get_serial_sequence(?, 'seq'), ?)", this.sequenceOf(t), mark);
      }
    }
    for (const t of tables) await this.db.run(`ANALYZE ${q(t.name)}`);
  }

  async close(): Promise<void> {
    if (this.reader) {
      await this.reader.query("ROLLBACK").catch(() => {});
      this.reader.release();
      this.reader = null;
    }
    await this.db.close();
  }
}

/** Little-endian float32 bytes as a Float32Array (copied: a Buffer's offset need not be aligned). */
function floats(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
