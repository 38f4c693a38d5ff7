// The PostgreSQL server tests use (LMOS_TEST_DATABASE_URL, default the local test database) and fresh
// schemas in it, with random names, so runs (and other engineers' runs on the same server) never see
// each other's rows. A closed test store's schema is emptied (TRUNCATE … RESTART IDENTITY) and handed to
// the next open, which is then as empty as a new one without paying for the DDL; dropAll() drops
// them all at the end of a file.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgresStore } from "./open.ts";
import type { Store } from "../types.ts";

export const TEST_DATABASE_URL =
  process.env.LMOS_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A new schema name no other run uses. */
export function freshSchema(): string {
  return `lmos_t_${randomBytes(6).toString("hex")}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Fails with what to do when the server is not there (tests must not pass without it). */
export async function assertReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${(e as Error).message}): start it with ` +
        "`pg_ctlcluster 15 main start`, or point LMOS_TEST_DATABASE_URL at a server",
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** Test stores on one server: each open gets an empty schema of its own (a closed store's schema emptied
 * and reused), `dropAll` drops them all. */
export function testSchemas(url = TEST_DATABASE_URL, poolSize = 4) {
  const emptied: string[] = [];
  const made = new Set<string>();
  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };
  async function empty(schema: string): Promise<void> {
    const client = await connect();
    try {
      const { rows } = await client.query<{ t: string }>(
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'",
        [schema],
      );
      const tables = rows.map((r) => `"${schema}"."${r.t}"`).join(", ");
      await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
    } finally {
      await client.end();
    }
  }
  return {
    url,
    /** A fresh, empty store in a schema no other open store uses. */
    openFresh(): Promise<Store> {
      const schema = emptied.pop() ?? freshSchema();
      made.add(schema);
      return openPostgresStore(url, {
        schema,
        poolSize,
        onClose: async () => {
          await empty(schema);
          emptied.push(schema);
        },
      });
    },
    /** A schema every open() of the handle reopens (conformance's openPersistent). */
    persistent(): { schema: string; open: () => Promise<Store> } {
      const schema = freshSchema();
      made.add(schema);
      return { schema, open: () => openPostgresStore(url, { schema, poolSize }) };
    },
    /** Drops every schema these opens made (afterAll). */
    async dropAll(): Promise<void> {
      const client = await connect();
      try {
        for (const s of made) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      } finally {
        await client.end();
      }
      made.clear();
      emptied.length = 0;
    },
  };
}
