// The PostgreSQL server tests use (LMOS_TEST_DATABASE_URL, default the local test database) and fresh
// schemas in it, with random names, so runs (and other engineers' runs on the same server) never see
// each other's rows. A closed test store's schema is emptied (TRUNCATE … RESTART IDENTITY) and handed to
// the next open, which is then as empty as a new one without paying for the DDL; dropTestSchemas() drops
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

const emptied: string[] = [];
const made = new Set<string>();

async function empty(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
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

/** A fresh, empty store in a schema no other open store uses. */
export function openFreshPostgres(): Promise<Store> {
  const schema = emptied.pop() ?? freshSchema();
  made.add(schema);
  return openPostgresStore(TEST_DATABASE_URL, {
    schema,
    poolSize: 4,
    onClose: async () => {
      await empty(schema);
      emptied.push(schema);
    },
  });
}

/** Drops every schema openFreshPostgres made (afterAll). */
export async function dropTestSchemas(): Promise<void> {
  for (const s of made) await dropSchema(s);
  made.clear();
  emptied.length = 0;
}
