// Talking to an agent over HTTP: the non-streaming LettaResponse, the SSE stream (framing, token chunks,
// errors mid-stream), message listing with cursor paging, and a client that hangs up mid-stream.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { eventually, openServerFixture, parseSse, readJson, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
beforeEach(async () => {
  fx = await openServerFixture();
});
afterEach(async () => {
  await fx.close();
});

async function createAgent(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await fx.call("POST", "/v1/agents/", { name, ...extra });
  expect(res.status).toBe(200);
  return ((await readJson(res)) as { id: string }).id;
}

describe("send", () => {
  it("answers a LettaResponse with reasoning, tool call, tool return and the assistant message", async () => {
    const id = await createAgent("plain");
    fx.model.push(
      {
        content: "I should save this.",
        toolCalls: [
          { name: "archival_memory_insert", arguments: { content: "teal", request_heartbeat: true } },
        ],
      },
      sendMessageReply("Saved: teal."),
    );
    const res = await fx.call("POST", `/v1/agents/${id}/messages`, {
      messages: [{ role: "user", content: "remember teal" }],
    });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    const types = body.messages.map((m: { message_type: string }) => m.message_type);
    expect(types).toEqual([
      "reasoning_message",
      "tool_call_message",
      "tool_return_message",
      "assistant_message",
      "tool_return_message",
    ]);
    expect(body.messages[0].id).toBe(body.messages[1].id);
    expect(body.messages[1].tool_call).toMatchObject({ name: "archival_memory_insert" });
    expect(body.messages[2]).toMatchObject({
      status: "success",
      tool_call_id: body.messages[1].tool_call.tool_call_id,
    });
    expect(body.messages[3].content).toBe("Saved: teal.");
    expect(body.stop_reason).toEqual({ message_type: "stop_reason", stop_reason: "end_turn" });
    expect(body.usage).toMatchObject({ message_type: "usage_statistics", step_count: 2 });
    expect(body.usage.total_tokens).toBeGreaterThan(0);
  });

  it("runs a letta_v1_agent: tools continue the loop, plain text is the reply", async () => {
    const id = await createAgent("v1", { agent_type: "letta_v1_agent" });
    fx.model.push(toolCallReply("archival_memory_insert", { content: "note" }), { content: "Saved it." });
    const body = await readJson(await fx.call("POST", `/v1/agents/${id}/messages`, { input: "save a note" }));
    expect(body.messages.map((m: { message_type: string }) => m.message_type)).toEqual([
      "tool_call_message",
      "tool_return_message",
      "assistant_message",
    ]);
    expect(body.messages.at(-1).content).toBe("Saved it.");
    expect(body.usage.step_count).toBe(2);
    const agent = await readJson(await fx.call("GET", `/v1/agents/${id}`));
    expect(agent.agent_type).toBe("letta_v1_agent");
    expect(agent.tools.map((t: { name: string }) => t.name)).not.toContain("send_message");
  });

  it("accepts `input` and filters by include_return_message_types", async () => {
    const id = await createAgent("input");
    fx.model.push(sendMessageReply("hello!"));
    const res = await fx.call("POST", `/v1/agents/${id}/messages`, {
      input: "hi",
      include_return_message_types: ["assistant_message"],
    });
    const body = await readJson(res);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({ message_type: "assistant_message", content: "hello!" });
  });

  it("reports a failed model call as an error the client will not retry", async () => {
    const id = await createAgent("broken");
    fx.model.push({ status: 500 }, { status: 500 }, { status: 500 });
    const res = await fx.call("POST", `/v1/agents/${id}/messages`, { input: "hi" });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect((await readJson(res)).stop_reason).toBe("llm_api_error");
  });
});

describe("stream", () => {
  it("frames each message as data:, then stop_reason, usage_statistics and [DONE]", async () => {
    const id = await createAgent("sse");
    fx.model.push(
      toolCallReply("archival_memory_insert", { content: "x", request_heartbeat: true }),
      sendMessageReply("done"),
    );
    const res = await fx.call("POST", `/v1/agents/${id}/messages/stream`, { input: "go" });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const frames = parseSse(await res.text());
    expect(frames.every((f) => f.event === null)).toBe(true);
    expect(frames.at(-1)?.data).toBe("[DONE]");
    const data = frames.slice(0, -1).map((f) => JSON.parse(f.data));
    expect(data.map((d) => d.message_type)).toEqual([
      "tool_call_message",
      "tool_return_message",
      "assistant_message",
      "tool_return_message",
      "stop_reason",
      "usage_statistics",
    ]);
    expect(data[4].stop_reason).toBe("end_turn");
    expect(data[5].step_count).toBe(2);
  });

  it("streams from POST …/messages with streaming: true, token chunks sharing one id", async () => {
    const id = await createAgent("tokens");
    fx.model.push({
      reasoning: "thinking hard about it",
      toolCalls: [{ name: "send_message", arguments: { message: "a fairly long reply, streamed" } }],
    });
    const res = await fx.call("POST", `/v1/agents/${id}/messages`, {
      input: "go",
      streaming: true,
      stream_tokens: true,
    });
    const data = parseSse(await res.text())
      .filter((f) => f.data !== "[DONE]")
      .map((f) => JSON.parse(f.data));
    const reasoning = data.filter((d) => d.message_type === "reasoning_message");
    const assistant = data.filter((d) => d.message_type === "assistant_message");
    expect(reasoning.length).toBeGreaterThan(1);
    expect(assistant.length).toBeGreaterThan(1);
    expect(new Set([...reasoning, ...assistant].map((d) => d.id)).size).toBe(1);
    expect(reasoning.map((d) => d.reasoning).join("")).toBe("thinking hard about it");
    expect(assistant.map((d) => d.content).join("")).toBe("a fairly long reply, streamed");
    expect(data.at(-1).message_type).toBe("usage_statistics");
  });

  it("ends a run that fails mid-stream with stop_reason then an error event (no [DONE])", async () => {
    const id = await createAgent("sse-broken");
    fx.model.push(
      toolCallReply("archival_memory_insert", { content: "x", request_heartbeat: true }),
      { status: 500 },
      { status: 500 },
      { status: 500 },
    );
    const res = await fx.call("POST", `/v1/agents/${id}/messages/stream`, { input: "go" });
    expect(res.status).toBe(200);
    const frames = parseSse(await res.text());
    expect(JSON.parse(frames[0].data).message_type).toBe("tool_call_message");
    const last = frames.at(-1);
    expect(last?.event).toBe("error");
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ message_type: "error_message" });
    expect(JSON.parse(frames.at(-2)?.data ?? "{}")).toEqual({
      message_type: "stop_reason",
      stop_reason: "llm_api_error",
    });
    expect(frames.some((f) => f.data === "[DONE]")).toBe(false);
  });

  it("answers a plain HTTP error when the run fails before any output", async () => {
    const id = await createAgent("sse-early");
    fx.model.push({ status: 500 }, { status: 500 }, { status: 500 });
    const res = await fx.call("POST", `/v1/agents/${id}/messages/stream`, { input: "go" });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(await readJson(res)).toMatchObject({ stop_reason: "llm_api_error" });
  });

  it("sends keepalive pings while the model thinks, unless include_pings is false", async () => {
    const pinging = await openServerFixture({ pingMs: 40 });
    try {
      const res0 = await pinging.call("POST", "/v1/agents/", { name: "pings" });
      const id = ((await readJson(res0)) as { id: string }).id;
      for (const includePings of [true, false]) {
        pinging.model.push({ ...sendMessageReply("slow"), delayMs: 300 });
        const res = await pinging.call("POST", `/v1/agents/${id}/messages/stream`, {
          input: "go",
          include_pings: includePings,
        });
        const pings = parseSse(await res.text())
          .filter((f) => f.data !== "[DONE]")
          .map((f) => JSON.parse(f.data))
          .filter((d) => d.message_type === "ping");
        if (includePings) {
          expect(pings.length).toBeGreaterThan(0);
          expect(pings[0].id).toMatch(/^ping-/);
        } else {
          expect(pings).toEqual([]);
        }
      }
    } finally {
      await pinging.close();
    }
  });

  it("answers a plain HTTP error when the run cannot start", async () => {
    const res = await fx.call("POST", "/v1/agents/agent-unknown/messages/stream", { input: "go" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  it("keeps running and stores every message when the client hangs up mid-stream", async () => {
    const id = await createAgent("hangup");
    fx.model.push(toolCallReply("archival_memory_insert", { content: "kept", request_heartbeat: true }), {
      ...sendMessageReply("finished without you"),
      delayMs: 300,
    });
    const abort = new AbortController();
    const res = await fetch(`${fx.url}/v1/agents/${id}/messages/stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "go" }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    await reader.read(); // the first frame arrived: the run is under way
    abort.abort();
    const list = await eventually(async () => {
      const msgs = await readJson(await fx.call("GET", `/v1/agents/${id}/messages?order=asc`));
      return msgs.some((m: { content?: string }) => m.content === "finished without you") ? msgs : null;
    });
    expect(list.map((m: { message_type: string }) => m.message_type)).toContain("tool_return_message");
    const archival = await readJson(await fx.call("GET", `/v1/agents/${id}/archival-memory`));
    expect(archival.map((p: { text: string }) => p.text)).toContain("kept");
  });
});

describe("list", () => {
  it("lists newest first by default, pages with after/before, and ends with an empty page", async () => {
    const id = await createAgent("pages");
    for (let i = 0; i < 3; i++) {
      fx.model.push(sendMessageReply(`reply ${i}`));
      await fx.call("POST", `/v1/agents/${id}/messages`, { input: `message ${i}` });
    }
    const all = await readJson(await fx.call("GET", `/v1/agents/${id}/messages`));
    const users = all.filter((m: { message_type: string }) => m.message_type === "user_message");
    expect(users.map((m: { content: string }) => m.content)).toEqual(["message 2", "message 1", "message 0"]);

    const asc = await readJson(await fx.call("GET", `/v1/agents/${id}/messages?order=asc&limit=2`));
    const seen: string[] = [];
    let page = asc;
    let rounds = 0;
    while (page.length && rounds++ < 20) {
      for (const m of page) if (!seen.includes(m.id)) seen.push(m.id);
      const after = page.at(-1).id;
      page = await readJson(
        await fx.call("GET", `/v1/agents/${id}/messages?order=asc&limit=2&after=${after}`),
      );
    }
    expect(page).toEqual([]);
    const ascAll = await readJson(await fx.call("GET", `/v1/agents/${id}/messages?order=asc`));
    expect(seen).toEqual([...new Set(ascAll.map((m: { id: string }) => m.id))]);

    const before = await readJson(
      await fx.call("GET", `/v1/agents/${id}/messages?order=asc&before=${ascAll.at(-1).id}&limit=1`),
    );
    expect(before.every((m: { id: string }) => m.id !== ascAll.at(-1).id)).toBe(true);
  });

  it("resets the context window but keeps messages in recall", async () => {
    const id = await createAgent("reset");
    fx.model.push(sendMessageReply("hi"));
    await fx.call("POST", `/v1/agents/${id}/messages`, { input: "hello" });
    const res = await fx.call("PATCH", `/v1/agents/${id}/reset-messages`, {
      add_default_initial_messages: false,
    });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toBeNull();
    const agent = await readJson(await fx.call("GET", `/v1/agents/${id}`));
    expect(agent.message_ids).toEqual([]);
    expect((await readJson(await fx.call("GET", `/v1/agents/${id}/messages`))).length).toBeGreaterThan(0);
  });
});
