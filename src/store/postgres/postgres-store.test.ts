// The Store conformance suite against PostgreSQL (Debian's 15, no pgvector: the exact-scan fallback),
// each store in an empty schema of its own; plus PostgreSQL-only checks: migrations recorded once with
// concurrent openers, an old schema upgraded to FTS5's terms, a schema from a newer lmos refused, backups left to pg_dump.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeConformance } from "../conformance.testkit.ts";
import { newAgentRecord } from "../index.ts";
import { Db, quoteIdent } from "./db.ts";
import { migrations } from "./migrations.ts";
import { openPostgresStore } from "./open.ts";
import type { PostgresStore } from "./store.ts";
import { assertReachable, TEST_DATABASE_URL, testSchemas } from "./test-database.testkit.ts";

const schemas = testSchemas();
beforeAll(assertReachable);
afterAll(() => schemas.dropAll());

storeConformance("postgres (schema per store)", () => schemas.openFresh(), {
  openPersistent: () => schemas.persistent(),
});

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("postgres specifics", () => {
  it("migrates once, recording each version once, when several processes open one schema at once", async () => {
    const db = schemas.persistent();
    const stores = await Promise.all([1, 2, 3].map(() => db.open()));
    for (const s of stores) await s.close();
    const rows = await sql(`SELECT version FROM "${db.schema}".schema_migrations ORDER BY version`);
    expect(rows).toEqual(migrations.map(([version]) => ({ version })));
  });

  it("upgrades a schema of v3 to FTS5's terms: old rows become searchable with BM25 statistics", async () => {
    const db = schemas.persistent();
    const old = new Db(TEST_DATABASE_URL, db.schema, 1);
    try {
      await old.tx(async (q) => {
        await q.run(`CREATE SCHEMA ${quoteIdent(db.schema)}`);
        await q.run("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
        for (const [version, up] of migrations.filter(([v]) => v <= 3)) {
          await up(q);
          await q.run("INSERT INTO schema_migrations VALUES (?, 'x')", version);
        }
        for (const [id, text] of [
          ["passage-a", "We walked along the rivers"],
          ["passage-b", "Bread from the bakery"],
        ]) {
          await q.run(
            `INSERT INTO passages (id, text, tags, metadata, created_at, tsv)
             VALUES (?, ?, '[]', '{}', '2025-01-01T00:00:00.000Z', to_tsvector('english', ?))`,
            id,
            text,
            text,
          );
        }
      });
    } finally {
      await old.close();
    }
    const store = await db.open();
    try {
      const hits = await store.searchPassagesLexical({}, { query: "walking river", limit: 5 });
      expect(hits.map((h) => h.id)).toEqual(["passage-a"]);
      expect(hits[0].score).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    expect(await sql(`SELECT tbl, docs::int, terms::int FROM "${db.schema}".lexical_stats`)).toEqual([
      { tbl: "passages", docs: 2, terms: 9 },
    ]);
  });

  it("refuses a schema from a newer lmos, a bad schema name and a bad URL, saying what to do", async () => {
    const db = schemas.persistent();
    await (await db.open()).close();
    await sql(`INSERT INTO "${db.schema}".schema_migrations VALUES (999, 'x')`);
    await expect(db.open()).rejects.toThrow(/upgrade lmos/);
    await expect(openPostgresStore(TEST_DATABASE_URL, { schema: "x; drop" })).rejects.toMatchObject({
      code: "invalid_argument",
    });
    await expect(openPostgresStore("not a url")).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("fails the runs of a replica on another machine once its heartbeat stops, not while it beats", async () => {
    const db = schemas.persistent();
    const store = await db.open();
    try {
      const now = new Date().toISOString();
      const a = newAgentRecord({ name: "r", system: "s", model: "m/m", createdAt: now });
      await store.createAgent(a, [], []);
      const run = (id: string) => ({
        id,
        agentId: a.id,
        status: "running" as const,
        stopReason: null,
        createdAt: now,
        completedAt: null,
        chain: null,
      });
      await store.createRun(run("run-alive"));
      await store.createRun(run("run-gone"));
      // Both runs as if created by processes on another host: one still beating, one silent for a minute.
      await sql(
        `UPDATE "${db.schema}".runs SET owner_host = 'elsewhere', owner_pid = 7, owner_token = replace(id, 'run-', 't-')`,
      );
      await sql(`INSERT INTO "${db.schema}".processes VALUES
        ('t-alive', 'elsewhere', 7, (extract(epoch from clock_timestamp()) * 1000)::bigint),
        ('t-gone', 'elsewhere', 7, (extract(epoch from clock_timestamp()) * 1000)::bigint - 60000)`);
      // isLive cannot judge another host's pids (it says live); the heartbeat decides.
      const failed = await store.failOrphanRuns(() => true, now);
      expect(failed.map((r) => r.id)).toEqual(["run-gone"]);
      expect((await store.getRun("run-alive"))?.status).toBe("running");
      expect((await store.getAgent(a.id))?.lastStopReason).toBe("error");
      // This process beats too: its own row is fresh.
      const own = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${db.schema}".processes WHERE host <> 'elsewhere'`,
      );
      expect(own).toEqual([{ n: 1 }]);
    } finally {
      await store.close();
    }
  });

  it("has no pgvector here, so vector search is the exact scan; a backup to a file is pg_dump's job", async () => {
    const store = (await schemas.openFresh()) as PostgresStore;
    try {
      expect(store.pgvector).toBe(false);
      await expect(store.backup("/tmp/x.db")).rejects.toThrow(/pg_dump/);
    } finally {
      await store.close();
    }
  });
});
