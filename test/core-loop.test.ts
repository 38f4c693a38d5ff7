// The agent loop end to end: heartbeat chains, core memory edits seen by the model, the step limit, bad
// model output reported back to the model. Real HTTP to the scripted model, real SQLite file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CoreFixture, eventTrace, openFixture, textOf, toolResult } from "./core-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";

let fx: CoreFixture;
beforeEach(async () => {
  fx = await openFixture();
});
afterEach(async () => {
  await fx.close();
});

describe("heartbeat chains", () => {
  it("runs search → insert → send_message as three steps, committing and reporting each", async () => {
    const agent = await fx.os.agents.create({ name: "chain" });
    fx.model.push(
      toolCallReply("archival_memory_search", { query: "colour", request_heartbeat: true }),
      toolCallReply("archival_memory_insert", { content: "Favourite colour: teal", request_heartbeat: true }),
      sendMessageReply("Noted: teal."),
    );
    const run = await agent.send("My favourite colour is teal. Remember it.");

    expect(run.stopReason).toBe("end_turn");
    expect(run.reply).toBe("Noted: teal.");
    expect(run.replyMode).toBe("send_message");
    expect(run.usage.stepCount).toBe(3);
    expect(eventTrace(run.events)).toEqual([
      "run-start",
      "message:user",
      ...["step-start", "message:assistant", "message:tool", "message:user/heartbeat", "step-end"],
      ...["step-start", "message:assistant", "message:tool", "message:user/heartbeat", "step-end"],
      ...["step-start", "message:assistant", "message:tool", "step-end"],
      "run-end",
    ]);
    // The model saw each tool result and the heartbeat that handed control back.
    const [, second, third] = fx.model.chatRequests();
    expect(second.messages.some((m) => m.role === "tool")).toBe(true);
    expect(third.lastToolResult).toContain("OK");
    expect(third.lastUserText).toContain("heartbeat");
    // Everything is in the store, in order, and the in-context window lists it.
    const stored = await agent.messages({ order: "asc" });
    expect(stored.map((m) => m.id)).toEqual(run.messages.map((m) => m.id));
    const state = await agent.state();
    expect(state.record.inContextMessageIds).toEqual(run.messages.map((m) => m.id));
    expect(state.record.lastStopReason).toBe("end_turn");
    expect((await agent.archival.search("teal")).map((h) => h.passage.text)).toContain(
      "Favourite colour: teal",
    );
    expect(run.usage.totalTokens).toBeGreaterThan(0);
  });

  it("wakes on a timed wake-up with no user message and can act on it", async () => {
    const agent = await fx.os.agents.create({ name: "waker" });
    fx.model.push(
      toolCallReply("archival_memory_insert", { content: "checked the garden", request_heartbeat: true }),
      sendMessageReply("Good morning! The garden is watered."),
    );
    const run = await agent.wake("morning check-in");
    expect(run.stopReason).toBe("end_turn");
    expect(run.reply).toBe("Good morning! The garden is watered.");
    const [first] = fx.model.chatRequests();
    expect(first.lastUserText).toContain("heartbeat");
    expect(first.lastUserText).toContain("morning check-in");
    expect(run.messages[0]).toMatchObject({ role: "user", kind: "wakeup" });
    await expect(agent.wake("x".repeat(3_000))).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("yields after a tool call without request_heartbeat", async () => {
    const agent = await fx.os.agents.create({ name: "yield" });
    fx.model.push(toolCallReply("archival_memory_insert", { content: "x", request_heartbeat: false }));
    const run = await agent.send("save x");
    expect(run.stopReason).toBe("end_turn");
    expect(run.usage.stepCount).toBe(1);
    expect(fx.model.chatRequests()).toHaveLength(1);
  });

  it("takes plain text as the reply in send_message mode (documented) and ends the turn", async () => {
    const agent = await fx.os.agents.create({ name: "plain" });
    fx.model.push({ content: "Hello there." });
    const run = await agent.send("hi");
    expect(run.stopReason).toBe("end_turn");
    expect(run.reply).toBe("Hello there.");
  });

  it("continues while the model calls tools when heartbeats are off (Letta v1 style)", async () => {
    const agent = await fx.os.agents.create({
      name: "v1",
      settings: { heartbeats: false, replyMode: "text" },
    });
    fx.model.push(toolCallReply("archival_memory_insert", { content: "note" }), { content: "Saved it." });
    const run = await agent.send("save a note");
    expect(run.stopReason).toBe("end_turn");
    expect(run.reply).toBe("Saved it.");
    expect(run.replyMode).toBe("text");
    expect(run.usage.stepCount).toBe(2);
    const tools = fx.model.chatRequests()[0].body.tools as Array<{
      function: { name: string; parameters: unknown };
    }>;
    expect(tools.map((t) => t.function.name)).not.toContain("send_message");
    expect(JSON.stringify(tools)).not.toContain("request_heartbeat");
  });
});

describe("core memory", () => {
  it("shows an edit in the system prompt of the very next request", async () => {
    const agent = await fx.os.agents.create({ name: "mem" });
    fx.model.push(
      toolCallReply("core_memory_append", {
        label: "human",
        content: "Name: Ada Lovelace.",
        request_heartbeat: true,
      }),
      sendMessageReply("Nice to meet you, Ada."),
    );
    const run = await agent.send("I'm Ada Lovelace.");
    const [first, second] = fx.model.chatRequests();
    expect(first.system).not.toContain("Name: Ada Lovelace.");
    expect(second.system).toContain("Name: Ada Lovelace.");
    expect(run.events.filter((e) => e.type === "memory-edit")).toMatchObject([
      { label: "human", tool: "core_memory_append" },
    ]);
    expect((await agent.memory.get("human")).value).toContain("Name: Ada Lovelace.");
    expect((await agent.context()).systemPrompt).toContain("Name: Ada Lovelace.");
  });

  it("shows a block updated through the API in the next run's prompt", async () => {
    const agent = await fx.os.agents.create({ name: "api-edit" });
    await agent.memory.update("persona", { value: "I am Sam, a terse assistant who loves teal." });
    fx.model.push(sendMessageReply("ok"));
    await agent.send("hi");
    expect(fx.model.lastSystemPrompt()).toContain("I am Sam, a terse assistant who loves teal.");
  });
});

describe("step limit", () => {
  it("stops with max_steps when the model never yields", async () => {
    await fx.close();
    fx = await openFixture({
      fallback: () => toolCallReply("archival_memory_search", { query: "loop", request_heartbeat: true }),
    });
    const agent = await fx.os.agents.create({ name: "loop", settings: { maxSteps: 4 } });
    const run = await agent.send("go");
    expect(run.stopReason).toBe("max_steps");
    expect(run.usage.stepCount).toBe(4);
    expect(fx.model.chatRequests()).toHaveLength(4);
    // a per-run override wins over the agent setting
    const short = await agent.send("again", { maxSteps: 2 });
    expect(short.stopReason).toBe("max_steps");
    expect(short.usage.stepCount).toBe(2);
  });
});

describe("bad model output", () => {
  it("reports malformed JSON, wrong types and unknown tools to the model, and carries on", async () => {
    const agent = await fx.os.agents.create({ name: "bad" });
    fx.model.push(
      { toolCalls: [{ name: "archival_memory_insert", arguments: '{"content": "unterminated' }] },
      toolCallReply("core_memory_append", { label: 5, content: ["x"] }),
      toolCallReply("frobnicate", { level: 11 }),
      { content: "" }, // nothing at all: no text, no tool call
      sendMessageReply("Recovered."),
    );
    const run = await agent.send("hi");
    expect(run.stopReason).toBe("end_turn");
    expect(run.reply).toBe("Recovered.");
    expect(run.usage.stepCount).toBe(5);
    const results = run.messages.filter((m) => m.role === "tool").map(toolResult);
    expect(results.slice(0, 3).map((r) => r.status)).toEqual(["Failed", "Failed", "Failed"]);
    expect(results[2].message).toContain("frobnicate");
    // The model saw each failure as its tool result.
    const requests = fx.model.chatRequests();
    expect(requests[1].lastToolResult).toContain("Failed");
    expect(requests[3].lastToolResult).toContain("frobnicate");
    const alert = run.messages.find((m) => m.kind === "system_alert");
    expect(alert && textOf(alert)).toContain("no text and no tool call");
    // Every tool call has its result.
    const callIds = run.messages.flatMap((m) => m.toolCalls.map((c) => c.id));
    const answered = run.messages.filter((m) => m.role === "tool").map((m) => m.toolCallId);
    expect(answered).toEqual(callIds);
  });
});
