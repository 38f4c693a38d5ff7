// A pg pool with the small query surface the table modules use: `?` placeholders (turned into $1…$n),
// one-row and many-row reads, a write's row count, and a transaction on one pooled client. Every module
// takes a `Q`, so the same code runs on the pool or inside a transaction.
import pg from "pg";

/** Something that runs SQL: the pool, or one client inside a transaction. */
export interface Q {
  get<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** Runs a write; resolves with the number of rows it touched. */
  run(sql: string, ...params: unknown[]): Promise<number>;
  /** Runs fn in a transaction; inside one already, in that one (a failure rolls the whole back). */
  tx<T>(fn: (q: Q) => Promise<T>): Promise<T>;
}

// bigint (seq, fences, epoch ms) as a JS number: every value lmos stores fits in 2^53.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

const converted = new Map<string, string>();

/** The SQL with each `?` outside quotes replaced by $1, $2, … (cached per text). */
export function positional(sql: string): string {
  let out = converted.get(sql);
  if (out !== undefined) return out;
  let n = 0;
  let quote: string | null = null;
  out = "";
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else out += ch === "?" ? `$${++n}` : ch;
  }
  if (converted.size < 5_000) converted.set(sql, out);
  return out;
}

class Runner implements Q {
  constructor(private readonly target: pg.Pool | pg.PoolClient) {}
  private async query<T>(sql: string, params: unknown[]): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    return this.target.query<T & pg.QueryResultRow>(positional(sql), params);
  }
  async get<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.query<T>(sql, params)).rows[0];
  }
  async all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.query<T>(sql, params)).rows;
  }
  async run(sql: string, ...params: unknown[]): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }
  tx<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    return fn(this);
  }
}

/** The pool of one store, with its schema as every connection's search_path. */
export class Db implements Q {
  readonly pool: pg.Pool;
  private readonly runner: Runner;
  constructor(connectionString: string, schema: string, max = 10) {
    this.pool = new pg.Pool({
      connectionString,
      max,
      types,
      options: `-c search_path=${quoteIdent(schema)},public`,
      // A dead server fails a query in seconds, not never.
      connectionTimeoutMillis: 10_000,
      // The startup option above, said again as a statement before the pool hands the client out: a
      // server that ignores startup options (PGlite's socket server) still gets the schema. (Sent from a
      // "connect" listener instead, it raced the pool's first query on the client, which pg 8 warns
      // about at every start and pg 9 refuses.) The type says void; pg-pool awaits what it returns.
      onConnect: ((client: pg.ClientBase) => {
        // The pool listens for a client's errors only while it is idle (and pool.query once per query):
        // a checked-out client whose server goes away (a restart's "terminating connection due to
        // administrator command", then the socket's reset) emits "error", and an error with no listener
        // ends the process. The query in flight fails with it, and the pool drops the client on release,
        // so this listener only keeps the process up.
        client.on("error", () => {});
        return client.query(`SET search_path TO ${quoteIdent(schema)}, public`);
      }) as unknown as (client: pg.ClientBase) => void,
    });
    // An idle client's error (the server restarted) is reported on the next query, not thrown here.
    this.pool.on("error", () => {});
    this.runner = new Runner(this.pool);
  }
  get<T>(sql: string, ...params: unknown[]) {
    return this.runner.get<T>(sql, ...params);
  }
  all<T>(sql: string, ...params: unknown[]) {
    return this.runner.all<T>(sql, ...params);
  }
  run(sql: string, ...params: unknown[]) {
    return this.runner.run(sql, ...params);
  }

  /** Runs fn in one transaction on one client: COMMIT when it resolves, ROLLBACK when it throws. */
  async tx<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const out = await fn(new Runner(client));
      await client.query("COMMIT");
      client.release();
      return out;
    } catch (e) {
      try {
        await client.query("ROLLBACK");
        client.release();
      } catch {
        client.release(true); // the connection is broken: drop it from the pool
      }
      throw e;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** A schema or table name as a quoted identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
