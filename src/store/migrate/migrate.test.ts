// The migration engine on its own: SQLite → SQLite and SQLite → PGlite with pgvector (the `vec` column
// written from the copied embeddings, so vector search answers as on the source), and the refusals that
// keep anything from being skipped silently: a table or column only one end has, an index it cannot rebuild.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateInstallation } from "../../../test/fixtures/installation.ts";
import { openPostgresStore } from "../postgres/open.ts";
import { openSqliteStore } from "../sqlite/open.ts";
import { BATCH_BYTES, nextLimit } from "./batching.ts";
import { migrateInstallation } from "./run.ts";

const dir = mkdtempSync(join(tmpdir(), "lmos-migrate-unit-"));
let source: string;
beforeAll(async () => {
  source = join(dir, "source.db");
  const store = await openSqliteStore(source);
  await generateInstallation(store, { agents: 2, messages: 300, passages: 120 });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const fresh = () => join(dir, `t${n++}.db`);

describe("migrate between SQLite files", () => {
  it("copies every table with equal digests, small batches included, and drops stale vector index files", async () => {
    const to = fresh();
    // An IVF file left beside the target path (from a database once there) must not be taken for its index.
    writeFileSync(`${to}.vectors-16.ivf`, "stale");
    const s = await migrateInstallation({ from: source, to, batchSize: 7 });
    expect(s.ok).toBe(true);
    expect(existsSync(`${to}.vectors-16.ivf`)).toBe(false);
    // Again: a resumed, finished copy (nothing to do); with --force: erased and copied afresh.
    expect(await migrateInstallation({ from: source, to })).toMatchObject({
      ok: true,
      resumed: true,
      rowsCopied: 0,
    });
    const forced = await migrateInstallation({ from: source, to, force: true });
    expect(forced).toMatchObject({ ok: true, resumed: false, rowsCopied: s.rowsCopied });
    const rows = Object.fromEntries(s.tables.map((t) => [t.table, t.targetRows]));
    expect(rows).toMatchObject({ agents: 2, messages: 300, passages: 120 });
  });

  it("copies the source as it was when the copy began, though it is written meanwhile", async () => {
    const from = fresh();
    expect((await migrateInstallation({ from: source, to: from })).ok).toBe(true);
    const writer = new Database(from);
    let wrote = false;
    const s = await migrateInstallation({
      from,
      to: fresh(),
      batchSize: 50,
      onProgress: ({ table, done }) => {
        if (table !== "messages" || done === 0 || wrote) return;
        wrote = true; // agents are copied already, passages not yet
        writer.prepare("UPDATE agents SET name = name || '-renamed'").run();
        writer.prepare("DELETE FROM passages").run();
      },
    });
    writer.close();
    expect(wrote).toBe(true);
    expect(s.ok).toBe(true);
    const rows = Object.fromEntries(s.tables.map((t) => [t.table, t.targetRows]));
    expect(rows).toMatchObject({ agents: 2, messages: 300, passages: 120 });
  });

  it("refuses a table, a column or an index only one end has, before copying anything", async () => {
    const cases: Array<[string, RegExp]> = [
      ["CREATE TABLE notes (id TEXT PRIMARY KEY)", /only in the source: notes/],
      ["ALTER TABLE agents ADD COLUMN colour TEXT", /table agents: columns differ \(source only: colour/],
      [
        "CREATE VIRTUAL TABLE blocks_fts USING fts5(text)",
        /blocks_fts is an index lmos migrate does not know/,
      ],
    ];
    for (const [ddl, error] of cases) {
      const from = fresh();
      const s = await migrateInstallation({ from: source, to: from });
      expect(s.ok).toBe(true);
      const db = new Database(from);
      db.exec(ddl);
      db.close();
      const to = fresh();
      await expect(migrateInstallation({ from, to })).rejects.toThrow(error);
      const target = await openSqliteStore(to);
      expect(await target.listAgents({})).toEqual([]);
      await target.close();
    }
  });
});

describe("batch sizes", () => {
  it("reads fewer rows at a time from a table of big rows (whole files' text), at least one", () => {
    const mb = "x".repeat(1024 * 1024);
    expect(nextLimit([[mb, 1]], 2_000)).toBe(Math.floor(BATCH_BYTES / (mb.length + 8)));
    expect(nextLimit([["x".repeat(BATCH_BYTES * 2)]], 2_000)).toBe(1);
    expect(nextLimit([["short", 1, null]], 2_000)).toBe(2_000);
  });
});

describe("migrate into PGlite with pgvector", () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 16 });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });

  it("writes the pgvector column, so vector search finds what it finds on the source", async () => {
    const url = `postgres://postgres@${server.getServerConn()}/postgres?schema=migrated`;
    const s = await migrateInstallation({ from: source, to: url, batchSize: 50 });
    expect(s.ok).toBe(true);
    const before = await openSqliteStore(source);
    const after = await openPostgresStore(url, { poolSize: 2 });
    try {
      expect((after as unknown as { pgvector: boolean }).pgvector).toBe(true);
      const query = Float32Array.from({ length: 16 }, (_, j) => Math.sin(5 * 0.37 + j));
      for (const agent of await before.listAgents({})) {
        const a = await before.searchPassagesVector({ agentId: agent.id }, query, 5);
        const b = await after.searchPassagesVector({ agentId: agent.id }, query, 5);
        expect(a).toHaveLength(5);
        expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
        const lexA = await before.searchMessagesLexical(agent.id, { query: "otters garden", limit: 5 });
        expect(lexA).toHaveLength(5);
      }
    } finally {
      await before.close();
      await after.close();
    }
  }, 120_000);
});
