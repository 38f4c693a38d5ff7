// Memory pressure over a long conversation: the warning, then eviction into an LLM-made summary; evicted
// messages stay in recall, where conversation_search still finds them.
import { afterEach, expect, it } from "vitest";
import type { AgentEvent } from "../src/index.ts";
import { type CoreFixture, openFixture, textOf } from "./core-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";

let fx: CoreFixture;
afterEach(async () => {
  await fx.close();
});

const SUMMARY = "SUMMARY: the user shared a locker code early on and then chatted about the weather.";
const FILLER =
  "The weather today is mild with a light breeze from the west and some clouds drifting over the hills, nothing remarkable at all.";

it("warns, then evicts into a summary, and conversation_search still finds the evicted fact", async () => {
  fx = await openFixture({
    // The summariser's request carries no tools; agent steps always do.
    fallback: (req) => (req.toolNames.length === 0 ? { content: SUMMARY } : sendMessageReply("Noted.")),
  });
  const agent = await fx.os.agents.create({ name: "pressure", model: "openai/scripted-small" });
  const base = (await agent.context()).total;
  // Base context at half the window: the warning comes at 75%, eviction when it is full.
  await fx.os.agents.update(agent.id, { contextWindow: Math.ceil(base * 2) });

  const events: AgentEvent[] = [];
  await agent.send(`My locker code is 4711-ZEBRA. ${FILLER}`).then((r) => events.push(...r.events));
  let inContextBefore = 0;
  for (let i = 0; i < 60 && !events.some((e) => e.type === "context-pressure" && e.action === "evict"); i++) {
    inContextBefore = (await agent.state()).record.inContextMessageIds.length;
    const run = await agent.send(`Turn ${i}. ${FILLER}`);
    events.push(...run.events);
  }
  const pressure = events.filter((e) => e.type === "context-pressure");
  expect(pressure.map((e) => (e.type === "context-pressure" ? e.action : ""))).toEqual(["warn", "evict"]);

  // The warning reached the model as a system alert, before the eviction.
  const requests = fx.model.chatRequests();
  const warnedAt = requests.findIndex((r) =>
    r.messages.some((m) => m.role === "user" && /system_alert/.test(m.content)),
  );
  const summaryAt = requests.findIndex((r) => r.toolNames.length === 0);
  expect(warnedAt).toBeGreaterThanOrEqual(0);
  expect(summaryAt).toBeGreaterThan(warnedAt);
  // The summariser was shown the evicted messages, including the fact.
  expect(JSON.stringify(requests[summaryAt].messages)).toContain("4711-ZEBRA");
  // The next agent request shows the summary and no longer holds the fact.
  const next = requests[summaryAt + 1];
  expect(JSON.stringify(next.messages)).toContain(SUMMARY);
  expect(
    next.messages
      .filter((m) => m.role !== "system")
      .map((m) => m.content)
      .join("\n"),
  ).not.toContain("4711-ZEBRA");
  const state = await agent.state();
  expect(state.record.summary).toContain(SUMMARY);
  expect(state.record.inContextMessageIds.length).toBeLessThan(inContextBefore);
  expect(state.record.pressureWarned).toBe(false);

  // Evicted, yet still in recall and searchable.
  const total = await fx.os.store.countMessages(agent.id);
  expect(total).toBeGreaterThan(state.record.inContextMessageIds.length);
  fx.model.push(
    toolCallReply("conversation_search", { query: "locker code", request_heartbeat: true }),
    (req) =>
      sendMessageReply(req.lastToolResult?.includes("4711-ZEBRA") ? "It is 4711-ZEBRA." : "I can't find it."),
  );
  const ask = await agent.send("What is my locker code?");
  expect(ask.reply).toBe("It is 4711-ZEBRA.");
  const result = ask.messages.find((m) => m.role === "tool");
  expect(result && textOf(result)).toContain("4711-ZEBRA");
});

it("compacts on demand", async () => {
  fx = await openFixture({
    fallback: (req) => (req.toolNames.length === 0 ? { content: SUMMARY } : sendMessageReply("Noted.")),
  });
  const agent = await fx.os.agents.create({ name: "compact" });
  for (let i = 0; i < 4; i++) await agent.send(`Message ${i}. ${FILLER}`);
  const before = (await agent.state()).record.inContextMessageIds.length;
  await agent.compact();
  const after = await agent.state();
  expect(after.record.inContextMessageIds.length).toBeLessThan(before);
  expect(after.record.summary).toBe(SUMMARY);
  expect((await agent.context()).summary).toBeGreaterThan(0);
});
