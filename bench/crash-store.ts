// The crash campaign's view of the database after a restart: one small query interface over SQLite
// (better-sqlite3, read-only) and PostgreSQL (pg, on the campaign's schema), and the invariants every
// store must keep whatever was acknowledged. The SQL is written once with `?` placeholders; PostgreSQL
// gets them numbered.
import Database from "better-sqlite3";
import pg from "pg";

export type Row = Record<string, unknown>;

/** Read-only queries on the store the server left behind. */
export interface Sql {
  /** "sqlite" or "postgres": the checks that only one store has (integrity_check, constraint validity). */
  kind: "sqlite" | "postgres";
  get(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  all(sql: string, ...params: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export function openSqliteSql(file: string): Sql {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    kind: "sqlite",
    get: async (sql, ...params) => db.prepare(sql).get(...params) as Row | undefined,
    all: async (sql, ...params) => db.prepare(sql).all(...params) as Row[],
    close: async () => void db.close(),
  };
}

const numbered = (sql: string) => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

/** A client on `connectionString` whose search_path is `schema` (the server's tables). */
export async function openPostgresSql(connectionString: string, schema: string): Promise<Sql> {
  const client = new pg.Client({ connectionString, options: `-c search_path="${schema}",public` });
  await client.connect();
  return {
    kind: "postgres",
    get: async (sql, ...params) => (await client.query(numbered(sql), params)).rows[0] as Row | undefined,
    all: async (sql, ...params) => (await client.query(numbered(sql), params)).rows as Row[],
    close: () => client.end(),
  };
}

/** How much the store invariants looked at, over the campaign (so a vacuous pass shows). */
export const looked = { blockTokens: 0, windowIds: 0, stepMessages: 0, runs: 0, steps: 0 };

const count = async (sql: Sql, text: string) => Number((await sql.get(text))?.n ?? 0);

/** Violations of the invariants of the whole database: no half-applied step, every run ended or failed,
 * every window id and step pointing at stored rows, and the store's own consistency check. */
export async function storeViolations(sql: Sql): Promise<string[]> {
  const out: string[] = [];
  if (sql.kind === "sqlite") {
    const integrity = await sql.all("PRAGMA integrity_check");
    if (integrity[0]?.integrity_check !== "ok")
      out.push(`integrity_check: ${JSON.stringify(integrity).slice(0, 300)}`);
  } else {
    // PostgreSQL enforces its foreign keys itself; a constraint left NOT VALID would not be.
    const invalid = await sql.all(
      "SELECT conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND NOT convalidated",
    );
    if (invalid.length) out.push(`constraints not validated: ${invalid.map((r) => r.conname).join(", ")}`);
  }
  looked.windowIds += await count(sql, "SELECT count(*) AS n FROM agent_context");
  looked.stepMessages += await count(sql, "SELECT count(*) AS n FROM messages WHERE step_id IS NOT NULL");
  looked.runs += await count(sql, "SELECT count(*) AS n FROM runs");
  looked.steps += await count(sql, "SELECT count(*) AS n FROM steps");
  const dangling = await count(
    sql,
    "SELECT count(*) AS n FROM agent_context c LEFT JOIN messages m ON m.id = c.message_id WHERE m.id IS NULL",
  );
  if (dangling) out.push(`${dangling} in-context ids point at no stored message`);
  const foreign = await count(
    sql,
    "SELECT count(*) AS n FROM agent_context c JOIN messages m ON m.id = c.message_id WHERE m.agent_id <> c.agent_id",
  );
  if (foreign) out.push(`${foreign} in-context ids point at another agent's message`);
  const orphanMessages = await count(
    sql,
    "SELECT count(*) AS n FROM messages m WHERE m.step_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.id = m.step_id)",
  );
  if (orphanMessages) out.push(`${orphanMessages} messages of a step with no step row (half-applied step)`);
  const orphanSteps = await count(
    sql,
    "SELECT count(*) AS n FROM steps s WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = s.run_id)",
  );
  if (orphanSteps) out.push(`${orphanSteps} steps of no stored run`);
  const open = await count(sql, "SELECT count(*) AS n FROM runs WHERE status IN ('created', 'running')");
  if (open) out.push(`${open} runs neither ended nor failed after the restart`);
  // Every core-memory token in a block was written by a committed step's tool call.
  for (const b of await sql.all("SELECT value FROM blocks")) {
    for (const token of String(b.value).match(/CRASHTOKEN-\d+/g) ?? []) {
      looked.blockTokens++;
      const made = await sql.get(
        "SELECT 1 AS made FROM messages m JOIN steps s ON s.id = m.step_id WHERE m.role = 'assistant' AND m.tool_calls LIKE ?",
        `%core_memory_append%${token}%`,
      );
      if (!made) out.push(`block holds ${token} without the committed step that wrote it`);
    }
  }
  return out;
}
