// The base tools run as the kernel runs them: a ToolContext over the real SQLite store; edits land in
// ctx.blocks and are queued as edit operations in ctx.writes, searches read the store and answer with
// paging info.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRecord, blockRecord, messageRecord } from "../context/records.testkit.ts";
import { openSqliteStore } from "../store/index.ts";
import type { Store } from "../store/types.ts";
import { baseTools, parseToolArguments } from "./index.ts";
import { type RecordedWrites, recordingWrites } from "./step-writes.testkit.ts";
import { type ToolContext, ToolError } from "./types.ts";

let store: Store;
const agent = agentRecord({ id: "agent-tools" });
const settings = agent.settings;
const tool = (name: string) => baseTools(settings).find((d) => d.name === name)!;

function context(): ToolContext & { queued: RecordedWrites } {
  const writes = recordingWrites(store, agent.id);
  return {
    queued: writes.queued,
    writes,
    agent,
    blocks: [
      blockRecord("human", "Name: Ada.", { limit: 60 }),
      blockRecord("policy", "Be kind.", { readOnly: true }),
    ],
    store,
    embedder: null,
    now: "2026-03-01T12:00:00.000Z",
  };
}

async function call(name: string, args: object, ctx: ToolContext): Promise<string> {
  const parsed = parseToolArguments(tool(name), JSON.stringify(args), { heartbeats: true });
  if (!parsed.ok) throw new Error(parsed.error);
  return tool(name).run(parsed.args, ctx);
}

beforeAll(async () => {
  store = await openSqliteStore(":memory:");
  await store.createAgent(agent, [], []);
  const msgs = Array.from({ length: 23 }, (_, i) =>
    messageRecord(i % 2 ? "assistant" : "user", `We discussed the garden plan, part ${i}.`, {
      agentId: agent.id,
    }),
  );
  await store.commitMessages(agent.id, msgs, {});
});
afterAll(async () => {
  await store.close();
});

describe("memory tools", () => {
  it("apply edits to ctx.blocks at once and queue them for the step", async () => {
    const ctx = context();
    const out = await call("core_memory_append", { label: "human", content: "Likes teal." }, ctx);
    expect(out).toContain('"human" updated (22/60 chars)');
    await call("core_memory_replace", { label: "human", old_content: "teal", new_content: "navy" }, ctx);
    expect(ctx.blocks[0].value).toBe("Name: Ada.\nLikes navy.");
    await call("memory_rethink", { label: "human", new_memory: "Ada; navy." }, ctx);
    // queued as operations the store applies to the value at commit; the rethink names what it rewrote
    expect(ctx.queued.blockEdits).toEqual([
      { blockId: "block-human", op: "append", text: "Likes teal." },
      { blockId: "block-human", op: "replace", old: "teal", new: "navy" },
      { blockId: "block-human", op: "rethink", value: "Ada; navy.", basis: "Name: Ada.\nLikes navy." },
    ]);
    expect(ctx.blocks[0].value).toBe("Ada; navy.");
  });

  it("fail with an actionable message and change nothing", async () => {
    const ctx = context();
    await expect(
      call("core_memory_append", { label: "human", content: "x".repeat(60) }, ctx),
    ).rejects.toThrow(/would be 71 chars, limit is 60; shorten or move details to archival memory/);
    await expect(call("core_memory_append", { label: "policy", content: "x" }, ctx)).rejects.toThrow(
      ToolError,
    );
    await expect(call("memory_rethink", { label: "user", new_memory: "x" }, ctx)).rejects.toThrow(
      'Your blocks are: "human", "policy".',
    );
    expect(ctx.blocks[0].value).toBe("Name: Ada.");
    expect(ctx.queued.blockEdits).toEqual([]);
  });
});

describe("search tools", () => {
  it("conversation_search pages through recall with paging info", async () => {
    const ctx = context();
    const first = JSON.parse(await call("conversation_search", { query: "garden plan" }, ctx));
    expect(first.summary).toBe("Showing 1-5 of 23 results, page 0; call again with page=1 for more.");
    expect(first.results).toHaveLength(5);
    expect(first.results[0]).toMatchObject({
      role: expect.stringMatching(/user|assistant/),
      content: expect.stringContaining("garden plan"),
    });
    const last = JSON.parse(await call("conversation_search", { query: "garden plan", page: 4 }, ctx));
    expect(last.summary).toBe("Showing 21-23 of 23 results, page 4.");
    const none = JSON.parse(await call("conversation_search", { query: "spaceship" }, ctx));
    expect(none).toEqual({ summary: "No results found.", results: [] });
  });

  it("archival_memory_insert queues the passage; search finds it once committed", async () => {
    const ctx = context();
    const out = await call(
      "archival_memory_insert",
      { content: "Ada plants tulips in October.", tags: ["garden"] },
      ctx,
    );
    expect(out).toMatch(/Inserted into archival memory with tags garden \(passage-/);
    expect(ctx.queued.passageInserts).toHaveLength(1);
    expect(await store.countPassages({ agentId: agent.id })).toBe(0);
    await store.insertPassages(ctx.queued.passageInserts);
    const found = JSON.parse(
      await call("archival_memory_search", { query: "tulips", tags: ["garden"] }, ctx),
    );
    expect(found.summary).toBe("Showing 1-1 of 1 results, page 0.");
    expect(found.results[0]).toMatchObject({ content: "Ada plants tulips in October.", tags: ["garden"] });
    const otherTag = JSON.parse(
      await call("archival_memory_search", { query: "tulips", tags: ["work"] }, ctx),
    );
    expect(otherTag.results).toEqual([]);
  });
});
