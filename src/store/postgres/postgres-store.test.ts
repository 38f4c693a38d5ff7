// The Store conformance suite against PostgreSQL (a schema per store, dropped after), plus
// PostgreSQL-only checks: migrations recorded once, concurrent openers, the exact-scan vector fallback.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeConformance } from "../conformance.testkit.ts";
import { openPostgresStore } from "./open.ts";
import { migrations } from "./migrations.ts";
import {
  assertReachable,
  dropSchema,
  dropTestSchemas,
  freshSchema,
  openFreshPostgres,
  TEST_DATABASE_URL,
} from "./test-database.testkit.ts";

const persistent: string[] = [];
beforeAll(assertReachable);
afterAll(async () => {
  for (const s of persistent) await dropSchema(s);
  await dropTestSchemas();
});

storeConformance("postgres (schema per store)", openFreshPostgres, {
  openPersistent: () => {
    const schema = freshSchema();
    persistent.push(schema);
    return { open: () => openPostgresStore(TEST_DATABASE_URL, { schema, poolSize: 4 }) };
  },
});

describe("postgres specifics", () => {
  it("migrates once when several processes open one schema at the same time", async () => {
    const schema = freshSchema();
    persistent.push(schema);
    const stores = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore(TEST_DATABASE_URL, { schema, poolSize: 2 })),
    );
    for (const s of stores) await s.close();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      );
      expect(rows).toEqual(migrations.map((_, i) => ({ version: i + 1 })));
    } finally {
      await client.end();
    }
  });

  it("refuses a schema from a newer lmos and a bad schema name, with what to do", async () => {
    const schema = freshSchema();
    persistent.push(schema);
    await (await openPostgresStore(TEST_DATABASE_URL, { schema })).close();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`INSERT INTO "${schema}".schema_migrations VALUES (999, 'x')`);
    await client.end();
    await expect(openPostgresStore(TEST_DATABASE_URL, { schema })).rejects.toThrow(/upgrade lmos/);
    await expect(openPostgresStore(TEST_DATABASE_URL, { schema: "x; drop" })).rejects.toMatchObject({
      code: "invalid_argument",
    });
    await expect(openPostgresStore("not a url")).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("says a backup to a file is pg_dump's job", async () => {
    const store = await openFreshPostgres();
    try {
      await expect(store.backup("/tmp/x.db")).rejects.toThrow(/pg_dump/);
    } finally {
      await store.close();
    }
  });
});
