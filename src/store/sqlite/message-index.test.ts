// The deferred full-text index of messages: a search always sees every committed message, whichever
// process committed it and whether or not that process lived to index it.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  DEFAULT_AGENT_SETTINGS,
  newAgentRecord,
  newMessageRecord,
  openSqliteStore,
  type Store,
} from "../index.ts";
import { migrations } from "./migrations.ts";
import type { SqliteStore } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "lmos-fts-"));
let n = 0;
const freshPath = () => join(dir, `t${n++}`, "lmos.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function agentWith(store: Store, id: string, texts: string[]): Promise<string[]> {
  const now = new Date().toISOString();
  await store.createAgent(
    newAgentRecord({
      id,
      name: id,
      system: "s",
      model: "m/m",
      createdAt: now,
      settings: DEFAULT_AGENT_SETTINGS,
    }),
    [],
    [],
  );
  const messages = texts.map((text) => newMessageRecord({ agentId: id, role: "user", text, createdAt: now }));
  await store.commitMessages(id, messages, { inContextMessageIds: messages.map((m) => m.id) });
  return messages.map((m) => m.id);
}

const search = (store: Store, agentId: string, query: string) =>
  store.searchMessagesLexical(agentId, { query, limit: 10 }).then((r) => r.map((x) => x.id));

describe("deferred message index", () => {
  it("finds messages whose writer died before indexing them, from another connection and after reopening", async () => {
    const path = freshPath();
    const writer = (await openSqliteStore(path)) as SqliteStore;
    const ids = await agentWith(writer, "agent-w", ["the otters swim at dawn", "a heron waits"]);
    // A crash: the connection goes away without close(), so the background flush never runs.
    writer.sql.db.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT count(*) AS n FROM messages_fts_state WHERE indexed_seq > 0").get()).toEqual({
      n: 0,
    });
    raw.close();
    const reader = await openSqliteStore(path);
    try {
      expect(await search(reader, "agent-w", "otters")).toEqual([ids[0]]);
      expect(await search(reader, "agent-w", "heron")).toEqual([ids[1]]);
    } finally {
      await reader.close();
    }
  });

  it("indexes in the background shortly after a commit, and each message once", async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    try {
      await agentWith(store, "agent-b", ["kelp forests", "kelp again"]);
      await new Promise((r) => setTimeout(r, 600));
      const raw = new Database(path, { readonly: true });
      const state = raw.prepare("SELECT indexed_seq AS seq FROM messages_fts_state").get() as { seq: number };
      const max = raw.prepare("SELECT max(seq) AS seq FROM messages").get() as { seq: number };
      raw.close();
      expect(state.seq).toBe(max.seq);
      expect(await search(store, "agent-b", "kelp")).toHaveLength(2);
      expect(await search(store, "agent-b", "kelp")).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it("searches without taking the write lock, and does not fail while another process holds it", async () => {
    const path = freshPath();
    const store = (await openSqliteStore(path)) as SqliteStore;
    try {
      const ids = await agentWith(store, "agent-l", ["puffins nest on cliffs"]);
      store.sql.db.pragma("busy_timeout = 50");
      const other = new Database(path);
      other.exec("BEGIN IMMEDIATE");
      try {
        // The pending row cannot be indexed now: the search answers from what is indexed.
        expect(await search(store, "agent-l", "puffins")).toEqual([]);
      } finally {
        other.exec("ROLLBACK");
        other.close();
      }
      expect(await search(store, "agent-l", "puffins")).toEqual(ids);
      // Nothing pending: a search is a plain read, so a held write lock does not matter.
      const holder = new Database(path);
      holder.exec("BEGIN IMMEDIATE");
      try {
        expect(await search(store, "agent-l", "cliffs")).toEqual(ids);
      } finally {
        holder.exec("ROLLBACK");
        holder.close();
      }
    } finally {
      await store.close();
    }
  });

  it("keeps a message deleted before it was indexed out of the index", async () => {
    const store = await openSqliteStore(freshPath());
    try {
      await agentWith(store, "agent-gone", ["walrus tusks"]);
      await store.deleteAgent("agent-gone");
      const kept = await agentWith(store, "agent-kept", ["walrus colony"]);
      expect(await search(store, "agent-kept", "walrus")).toEqual(kept);
      expect(await search(store, "agent-gone", "walrus")).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("upgrades a version-2 database with its messages searchable once", async () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    migrations[0](db);
    migrations[1](db);
    db.prepare("INSERT INTO schema_version VALUES (1, 'then'), (2, 'then')").run();
    db.prepare(
      `INSERT INTO agents (id, name, agent_type, system, model, tags, metadata, settings, summary, pressure_warned,
         created_at, updated_at)
       VALUES ('agent-old', 'old', 'memgpt_agent', 's', 'm/m', '[]', '{}', '{}', '', 0, 'then', 'then')`,
    ).run();
    const seq = db
      .prepare(
        `INSERT INTO messages (id, agent_id, role, content, tool_calls, created_at)
         VALUES ('message-old', 'agent-old', 'user', '[{"type":"text","text":"an old narwhal"}]', '[]', 'then')`,
      )
      .run().lastInsertRowid;
    db.prepare("INSERT INTO messages_fts (rowid, text) VALUES (?, 'an old narwhal')").run(seq);
    db.close();
    const store = await openSqliteStore(path);
    try {
      expect(await search(store, "agent-old", "narwhal")).toEqual(["message-old"]);
      const later = await agentWith(store, "agent-new", ["a young narwhal"]);
      expect(await search(store, "agent-new", "narwhal")).toEqual(later);
      expect(await search(store, "agent-old", "narwhal")).toEqual(["message-old"]);
    } finally {
      await store.close();
    }
  });
});
