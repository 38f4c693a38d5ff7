// The Store conformance suite against a temp-file SQLite database, plus SQLite-only checks.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { storeConformance } from "../conformance.testkit.ts";
import { DEFAULT_AGENT_SETTINGS, newAgentRecord, newMessageRecord, openSqliteStore } from "../index.ts";
import { migrations } from "./migrations.ts";

const dir = mkdtempSync(join(tmpdir(), "lmos-store-"));
let n = 0;
const freshPath = () => join(dir, `t${n++}`, "lmos.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeConformance("sqlite (temp file)", () => openSqliteStore(freshPath()), {
  openPersistent: () => {
    const path = freshPath();
    return { open: () => openSqliteStore(path) };
  },
});

describe("sqlite specifics", () => {
  it("opens in WAL mode with foreign keys on, and records each migration once", async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    await store.close();
    const reopened = await openSqliteStore(path);
    await reopened.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const versions = db.prepare("SELECT version FROM schema_version ORDER BY version").all();
      expect(versions).toEqual(migrations.map((_, i) => ({ version: i + 1 })));
    } finally {
      db.close();
    }
  });

  it("backs up to a new file that opens with everything in it, full-text index included", async () => {
    const path = freshPath();
    const store = await openSqliteStore(path, { backgroundCheckpoint: true });
    const now = new Date().toISOString();
    const a = newAgentRecord({ id: "agent-b", name: "b", system: "s", model: "m/m", createdAt: now });
    await store.createAgent({ ...a, settings: DEFAULT_AGENT_SETTINGS }, [], []);
    const m = newMessageRecord({ agentId: a.id, role: "user", text: "the heron waits", createdAt: now });
    await store.commitMessages(a.id, [m], { inContextMessageIds: [m.id] });
    const target = join(dir, "backups", "copy.db");
    const { bytes } = await store.backup(target);
    expect(bytes).toBeGreaterThan(0);
    await expect(store.backup(target)).rejects.toMatchObject({ code: "conflict" });
    await store.close();
    const copy = await openSqliteStore(target);
    try {
      expect((await copy.getAgent(a.id))?.inContextMessageIds).toEqual([m.id]);
      expect((await copy.searchMessagesLexical(a.id, { query: "heron", limit: 5 })).map((r) => r.id)).toEqual(
        [m.id],
      );
    } finally {
      await copy.close();
    }
  });

  it("works in memory and refuses a database from a newer lmos", async () => {
    const mem = await openSqliteStore(":memory:");
    expect(mem.kind).toBe("sqlite");
    await mem.close();
    const path = freshPath();
    await (await openSqliteStore(path)).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)").run(999, "x");
    db.close();
    await expect(openSqliteStore(path)).rejects.toThrow(/upgrade lmos/);
  });
});

describe("sqlite read cache", () => {
  it("sees writes made through another connection to the same file", async () => {
    const path = freshPath();
    const a = await openSqliteStore(path);
    const b = await openSqliteStore(path);
    try {
      const now = new Date().toISOString();
      const agent = newAgentRecord({
        id: "agent-shared",
        name: "one",
        system: "s",
        model: "m/m",
        createdAt: now,
        settings: { ...DEFAULT_AGENT_SETTINGS, replyMode: "text", maxSteps: 5 },
      });
      await a.createAgent(agent, [], []);
      expect((await a.getAgent(agent.id))?.name).toBe("one");
      expect(await a.countMessages(agent.id)).toBe(0);
      await b.updateAgent(agent.id, { name: "two", summary: "from b" });
      await b.commitMessages(
        agent.id,
        [newMessageRecord({ id: "message-b", agentId: agent.id, role: "user", text: "hi", createdAt: now })],
        { inContextMessageIds: ["message-b"] },
      );
      expect(await a.getAgent(agent.id)).toMatchObject({
        name: "two",
        summary: "from b",
        inContextMessageIds: ["message-b"],
      });
      expect(await a.countMessages(agent.id)).toBe(1);
      const mine = await a.getAgent(agent.id);
      mine!.inContextMessageIds.push("tampered");
      expect((await a.getAgent(agent.id))?.inContextMessageIds).toEqual(["message-b"]);
      // Blocks and tools linked to the agent: read (and cached), then changed by the other connection.
      const block = {
        id: "block-shared",
        label: "human",
        value: "v1",
        description: null,
        limit: 100,
        readOnly: false,
        metadata: {},
        tags: [],
        createdAt: now,
        updatedAt: now,
      };
      await a.createBlock(block);
      await a.attachBlock(agent.id, block.id);
      expect((await a.agentBlocks(agent.id)).map((x) => x.value)).toEqual(["v1"]);
      await b.updateBlock(block.id, { value: "v2" });
      expect((await a.agentBlocks(agent.id)).map((x) => x.value)).toEqual(["v2"]);
      (await a.agentBlocks(agent.id))[0].value = "tampered";
      expect((await a.agentBlocks(agent.id))[0].value).toBe("v2");
      await b.detachBlock(agent.id, block.id);
      expect(await a.agentBlocks(agent.id)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("sqlite migrations", () => {
  it("upgrades a version-1 database, keeping each agent's in-context list", async () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    migrations[0](db);
    db.prepare("INSERT INTO schema_version VALUES (1, 'then')").run();
    db.prepare(
      `INSERT INTO agents (id, name, agent_type, system, model, tags, metadata, settings, in_context_message_ids,
         summary, pressure_warned, created_at, updated_at)
       VALUES ('agent-old', 'old', 'memgpt_agent', 's', 'm/m', '[]', '{}', ?, '["message-1","message-2"]', '', 0, ?, ?)`,
    ).run(
      JSON.stringify({ heartbeats: true, replyMode: "text" }),
      "2024-05-01T00:00:00.000Z",
      "2024-05-01T00:00:00.000Z",
    );
    db.close();
    const store = await openSqliteStore(path);
    expect((await store.getAgent("agent-old"))?.inContextMessageIds).toEqual(["message-1", "message-2"]);
    await store.close();
    const check = new Database(path, { readonly: true });
    const rows = check.prepare("SELECT version, applied_at FROM schema_version ORDER BY version").all();
    check.close();
    expect(rows).toHaveLength(migrations.length);
    expect(rows[0]).toEqual({ version: 1, applied_at: "then" });
  });
});
