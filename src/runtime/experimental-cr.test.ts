import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newAgentRecord, newMessageRecord, openSqliteStore } from "../store/index.ts";
import type { Store } from "../store/types.ts";
import { evictedSince, readCompressedCursor, saveCompressedCursor } from "./experimental-cr.ts";

let dir: string;
let store: Store;
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("evictedSince (the experimental CR tier's input)", () => {
  it("returns every evicted user/assistant text past the cursor, however long the history", async () => {
    dir = mkdtempSync(join(tmpdir(), "lmos-cr-tier-"));
    store = await openSqliteStore(join(dir, "lmos.db"));
    const agent = newAgentRecord({ name: "a", system: "s", model: "openai/x" });
    await store.createAgent(agent, [], []);
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    const messages = Array.from({ length: 1_300 }, (_, i) =>
      newMessageRecord({
        agentId: agent.id,
        role: i % 3 === 2 ? "tool" : i % 3 === 1 ? "assistant" : "user",
        text: `m${i}`,
        createdAt: new Date(t0 + i * 1000).toISOString(),
      }),
    );
    await store.commitMessages(agent.id, messages, {});
    const inContext = new Set(messages.slice(1_200).map((m) => m.id));

    const spoken = (ms: typeof messages) =>
      ms.filter((m) => m.role !== "tool").map((m) => (m.content[0] as { text: string }).text);

    const first = await evictedSince(store, agent.id, inContext, undefined);
    expect(first.items.map((x) => x.text)).toEqual(spoken(messages.slice(0, 1_200)));
    expect(first.last).toBe(messages[1_199].id);
    // Nothing new left the context: nothing is returned twice.
    expect((await evictedSince(store, agent.id, inContext, first.last)).items.map((x) => x.text)).toEqual([]);
    // The next eviction returns only what it evicted.
    const later = new Set(messages.slice(1_250).map((m) => m.id));
    expect((await evictedSince(store, agent.id, later, first.last)).items.map((x) => x.text)).toEqual(
      spoken(messages.slice(1_200, 1_250)),
    );
  });

  it("keeps the compressed-up-to cursor in the store, so a restart does not compress the same messages again", async () => {
    dir = mkdtempSync(join(tmpdir(), "lmos-cr-cursor-"));
    const path = join(dir, "lmos.db");
    store = await openSqliteStore(path);
    const agent = newAgentRecord({ name: "a", system: "s", model: "openai/x" });
    await store.createAgent(agent, [], []);
    expect(await readCompressedCursor(store, agent.id)).toBeUndefined();
    await saveCompressedCursor(store, agent.id, "message-1");
    await saveCompressedCursor(store, agent.id, "message-2");
    await store.close();
    store = await openSqliteStore(path);
    expect(await readCompressedCursor(store, agent.id)).toBe("message-2");
  });
});
