// Background WAL checkpoints: the WAL stays bounded with commits never checkpointing inline, and the
// checkpointer's own connection does not look like a foreign writer to the read cache.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../index.ts";
import type { SqliteStore } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "lmos-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("background checkpointer", () => {
  it("keeps the WAL bounded while commits skip the inline checkpoint, and is not a foreign writer", async () => {
    const path = join(dir, "lmos.db");
    const store = (await openSqliteStore(path, { backgroundCheckpoint: true })) as SqliteStore;
    const db = store.sql.db;
    try {
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
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
      const walBytes = statSync(`${path}-wal`).size;
      expect(walBytes).toBeLessThan(20 * 1024 * 1024);
      // Only commits by other connections change data_version; checkpoints by the worker do not.
      const version = db.pragma("data_version", { simple: true });
      await sleep(600);
      expect(db.pragma("data_version", { simple: true })).toBe(version);
    } finally {
      await store.close();
    }
  });
});
