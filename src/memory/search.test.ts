// Hybrid recall and archival search against the real SQLite store (lexical only, and with the scripted
// model's embeddings fused by RRF).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScriptedModel, startScriptedModel } from "../../test/scripted-model.ts";
import { agentRecord, messageRecord, toolExchange } from "../context/records.testkit.ts";
import { createEmbedder } from "../embed/index.ts";
import { openSqliteStore } from "../store/index.ts";
import type { MessageRecord, Store } from "../store/types.ts";
import { insertArchival, searchArchival, searchRecall, spokenText } from "./index.ts";

let store: Store;
let model: ScriptedModel;
const agent = agentRecord({ id: "agent-search" });
const FILLER = [
  "the weather is mild today",
  "we talked about lunch plans",
  "a long walk by the river",
  "music and films",
];

function msg(
  role: "user" | "assistant",
  text: string,
  day: number,
  patch: Partial<MessageRecord> = {},
): MessageRecord {
  return messageRecord(role, text, {
    agentId: agent.id,
    createdAt: `2026-02-${String(day).padStart(2, "0")}T10:00:00.000Z`,
    ...patch,
  });
}

beforeAll(async () => {
  model = await startScriptedModel();
  store = await openSqliteStore(":memory:");
  await store.createAgent(agent, [], []);
  const messages: MessageRecord[] = [];
  for (let i = 0; i < 300; i++)
    messages.push(msg(i % 2 ? "assistant" : "user", `${FILLER[i % 4]} (${i})`, 1 + (i % 20)));
  messages.push(msg("user", "By the way, my locker code is 4711-ZEBRA.", 21));
  messages.push(
    msg("user", '{"type":"system_alert","message":"locker code alert"}', 21, { kind: "system_alert" }),
  );
  messages.push(
    ...toolExchange("archival_memory_search", { query: "locker code" }, "locker code result").map((m) => ({
      ...m,
      agentId: agent.id,
    })),
  );
  messages.push(
    msg("assistant", "", 21, {
      toolCalls: [
        { id: "c-send", name: "send_message", arguments: '{"message":"Your locker code is safe with me."}' },
      ],
    }),
  );
  await store.commitMessages(agent.id, messages, {});
});
afterAll(async () => {
  await store.close();
  await model.close();
});

describe("searchRecall", () => {
  it("finds a keyword fact among hundreds of messages, returning only what user and assistant said", async () => {
    const found = await searchRecall({ store, embedder: null }, agent.id, { query: "locker code" });
    // the user's words, and the assistant's send_message reply first; not the alert, the tool call or its
    // result (the turns around them may follow as context)
    expect(found.results.slice(0, 2).map(spokenText).sort()).toEqual([
      "By the way, my locker code is 4711-ZEBRA.",
      "Your locker code is safe with me.",
    ]);
    expect(found.results.map(spokenText).join("\n")).not.toMatch(/alert|result/);
  });

  it("pages, filters by role and by whole days", async () => {
    const all = await searchRecall({ store, embedder: null }, agent.id, { query: "river", pageSize: 10 });
    // 75 matches, then a few neighbouring turns of the best of them
    expect(all.total).toBeGreaterThanOrEqual(75);
    expect(all.results).toHaveLength(10);
    const everything = await searchRecall({ store, embedder: null }, agent.id, {
      query: "river",
      pageSize: 200,
    });
    expect(everything.results.slice(0, 75).every((m) => spokenText(m).includes("river"))).toBe(true);
    const last = Math.floor((all.total - 1) / 10);
    const page2 = await searchRecall({ store, embedder: null }, agent.id, {
      query: "river",
      pageSize: 10,
      page: last,
    });
    expect(page2.results).toHaveLength(all.total - last * 10);
    expect(page2.page).toBe(last);
    const day = await searchRecall({ store, embedder: null }, agent.id, {
      query: "river",
      start: "2026-02-03",
      end: "2026-02-03",
      pageSize: 50,
    });
    expect(day.total).toBeGreaterThan(0);
    expect(day.results.every((m) => m.createdAt.startsWith("2026-02-03"))).toBe(true);
    const users = await searchRecall({ store, embedder: null }, agent.id, {
      query: "locker",
      roles: ["user"],
    });
    expect(users.results.every((m) => m.role === "user")).toBe(true);
  });

  it("rejects a bad date with a message the model can act on", async () => {
    await expect(
      searchRecall({ store, embedder: null }, agent.id, { query: "x", start: "last week" }),
    ).rejects.toThrow(/start_date "last week" is not a date; use YYYY-MM-DD/);
  });
});

describe("archival memory", () => {
  it("builds passages (writing nothing) and finds them by keyword and tag", async () => {
    const deps = { store, embedder: null };
    const now = "2026-03-01T12:00:00.000Z";
    const facts = [
      ["Ada's favourite colour is teal.", ["prefs"]],
      ["Ada works on the analytical engine.", ["work"]],
      ["Ada's cat is called Babbage.", ["prefs", "pets"]],
    ] as const;
    const items = [];
    for (const [text, tags] of facts)
      items.push(await insertArchival(deps, agent.id, text, [...tags, " prefs "], now));
    expect(items[0].passage).toMatchObject({ agentId: agent.id, text: facts[0][0], tags: ["prefs"] });
    expect(await store.countPassages({ agentId: agent.id })).toBe(0);
    await store.insertPassages(items);

    const hits = await searchArchival(deps, { agentId: agent.id }, { query: "favourite colour", limit: 5 });
    expect(hits[0].passage.text).toBe("Ada's favourite colour is teal.");
    const pets = await searchArchival(
      deps,
      { agentId: agent.id, tags: ["pets"] },
      { query: "Ada", limit: 5 },
    );
    expect(pets.map((h) => h.passage.text)).toEqual(["Ada's cat is called Babbage."]);
    // the runtime's one-call form writes at once
    const [written] = await insertArchival(store, null, {
      agentId: agent.id,
      text: "Ada was born in 1815.",
      now,
    });
    expect((await store.getPassages([written.id]))[0].text).toBe("Ada was born in 1815.");
    const viaApi = await searchArchival(store, null, { agentId: agent.id, query: "born 1815" });
    expect(viaApi[0].passage.id).toBe(written.id);
  });

  it("fuses lexical and vector results when an embedder is configured", async () => {
    const embedder = createEmbedder("openai/text-embedding-3-small", { OPENAI_BASE_URL: model.url })!;
    const deps = { store, embedder };
    const item = await insertArchival(
      deps,
      agent.id,
      "The spare key is under the blue flowerpot.",
      [],
      "2026-03-02T09:00:00.000Z",
    );
    expect(item.embedding).toBeInstanceOf(Float32Array);
    expect(item.passage.embeddingModel).toBe("openai/text-embedding-3-small");
    await store.insertPassages([item]);
    const hits = await searchArchival(
      deps,
      { agentId: agent.id },
      { query: "spare key flowerpot", limit: 3 },
    );
    expect(hits[0].passage.id).toBe(item.passage.id);
    expect(model.embeddingRequests.length).toBeGreaterThanOrEqual(2);
    const recall = await searchRecall(deps, agent.id, { query: "locker code 4711-ZEBRA" });
    expect(recall.results.map((m) => m.content[0])).toContainEqual({
      type: "text",
      text: "By the way, my locker code is 4711-ZEBRA.",
    });
  });
});
