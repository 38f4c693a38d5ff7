// Background WAL checkpoints: the WAL stays bounded while the worker copies, also under a steady write
// load (commits landing during every background pass), and the checkpointer's own connection does not
// look like a foreign writer to the read cache.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../index.ts";
import { BackgroundCheckpointer, SAFETY_PAGES } from "./checkpointer.ts";
import type { SqliteStore } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "lmos-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("background checkpointer", () => {
  it("keeps the WAL bounded with the worker copying, and is not a foreign writer", async () => {
    const path = join(dir, "lmos.db");
    const store = (await openSqliteStore(path, { backgroundCheckpoint: true })) as SqliteStore;
    const db = store.sql.db;
    try {
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(SAFETY_PAGES);
      db.exec("CREATE TABLE IF NOT EXISTS filler (x BLOB)");
      const insert = db.prepare("INSERT INTO filler (x) VALUES (?)");
      const row = Buffer.alloc(64 * 1024, 7);
      // 40 MB in 640 commits over about 3 s: without any checkpoint the WAL would hold all of it.
      for (let i = 0; i < 640; i++) {
        insert.run(row);
        if (i % 20 === 19) await sleep(100);
      }
      await sleep(500);
      insert.run(row); // the first commit after a complete checkpoint rewinds the WAL
      expect(statSync(`${path}-wal`).size).toBeLessThan(20 * 1024 * 1024);
      // Only commits by other connections change data_version; checkpoints by the worker do not.
      const version = db.pragma("data_version", { simple: true });
      await sleep(600);
      expect(db.pragma("data_version", { simple: true })).toBe(version);
    } finally {
      await store.close();
    }
  });

  it("bounds the WAL under a steady stream of small commits", async () => {
    const path = join(dir, "steady.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec("CREATE TABLE filler (x BLOB)");
    const safetyPages = 500;
    const checkpointer = BackgroundCheckpointer.start(db, path, { intervalMs: 20, safetyPages });
    try {
      const insert = db.prepare("INSERT INTO filler (x) VALUES (?)");
      const row = Buffer.alloc(6 * 1024, 1);
      let peak = 0;
      // ~25,000 pages written with barely a pause: far past the bound, commits during every pass.
      for (let i = 0; i < 12_000; i++) {
        insert.run(row);
        if (i % 50 === 49) {
          peak = Math.max(peak, statSync(`${path}-wal`).size);
          await sleep(1);
        }
      }
      expect(peak).toBeLessThan(3 * safetyPages * 4096);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });
});
