// Provider faults, through the scripted model over real HTTP and the production OpenAI driver: timeouts,
// 429 with and without Retry-After, 5xx, a stream cut mid-token and mid-tool-call, malformed chunks, an
// early end, a 10 MB reply, a model that never stops calling tools. Each ends with retries where they make
// sense, a stop reason the client sees, nothing half-stored (the input is kept, no partial reply or tool
// result), and the agent answering the next message. RELIABILITY.md has the table these cases check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScriptedReply, sendMessageReply } from "./scripted-model.ts";
import { openServerFixture, parseSse, readJson, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;

/** A fixture whose driver gives up on a call after `timeoutMs` (and retries twice). */
const open = (timeoutMs: number) =>
  openServerFixture({
    env: {
      LMOS_MODEL: "openai/gpt-4o-mini",
      LMOS_EMBEDDING: "none",
      LMOS_MAX_RETRIES: "2",
      LMOS_LLM_TIMEOUT_MS: String(timeoutMs),
    },
  });

beforeAll(async () => {
  fx = await open(400);
});
afterAll(async () => fx?.close());

interface Outcome {
  status: number;
  stopReason: string;
  runId: string;
  /** The error the client was shown (HTTP body or SSE error frame), if any. */
  error: { code: string; message: string } | null;
  /** Chat requests the model received for this send (retries included). */
  requests: number;
  body: any;
}

let agents = 0;
async function newAgent(): Promise<string> {
  return (await readJson(await fx.call("POST", "/v1/agents/", { name: `faulty-${agents++}` }))).id;
}

/** Sends `input` (plain, or streamed with stream_tokens) after queueing `replies`. */
async function send(
  agentId: string,
  input: string,
  replies: ScriptedReply[],
  stream = false,
): Promise<Outcome> {
  fx.model.push(...replies);
  const before = fx.model.requests.length;
  const path = `/v1/agents/${agentId}/messages${stream ? "/stream" : ""}`;
  const res = await fx.call("POST", path, { input, ...(stream ? { stream_tokens: true } : {}) });
  const requests = () => fx.model.requests.length - before;
  const text = await res.text();
  if (res.status !== 200) {
    const body = JSON.parse(text);
    return {
      status: res.status,
      stopReason: body.stop_reason,
      runId: body.run_id,
      error: body,
      requests: requests(),
      body,
    };
  }
  if (!stream) {
    const body = JSON.parse(text);
    const runId = body.usage.run_ids[0];
    return {
      status: 200,
      stopReason: body.stop_reason.stop_reason,
      runId,
      error: null,
      requests: requests(),
      body,
    };
  }
  const frames = parseSse(text);
  const data = frames.filter((f) => f.data !== "[DONE]").map((f) => JSON.parse(f.data));
  const stop = data.find((d) => d.message_type === "stop_reason");
  const err = data.find((d) => d.message_type === "error_message");
  const usage = data.find((d) => d.message_type === "usage_statistics");
  return {
    status: 200,
    stopReason: stop?.stop_reason,
    runId: err?.run_id ?? usage?.run_ids?.[0],
    error: err ? { code: err.error_type, message: err.message } : null,
    requests: requests(),
    body: data,
  };
}

/** The stored messages of an agent, oldest first, as (role, text) pairs. */
async function stored(agentId: string): Promise<Array<{ type: string; text: string }>> {
  const list = await readJson(await fx.call("GET", `/v1/agents/${agentId}/messages?limit=1000&order=asc`));
  return list.map((m: any) => ({
    type: m.message_type,
    text: String(m.content ?? m.tool_call?.arguments ?? m.tool_return ?? m.reasoning ?? ""),
  }));
}

async function run(runId: string): Promise<{ status: string; stop_reason: string }> {
  return readJson(await fx.call("GET", `/v1/runs/${runId}`));
}

/** The next message gets an ordinary answer: the agent is usable. */
async function answersNext(agentId: string): Promise<void> {
  const next = await send(agentId, "are you still there?", [sendMessageReply("yes, still here")]);
  expect(next.status).toBe(200);
  expect(next.stopReason).toBe("end_turn");
  expect(JSON.stringify(next.body.messages)).toContain("yes, still here");
}

describe("a provider that fails and recovers: retried, the client sees the answer", () => {
  const cases: Array<[string, ScriptedReply]> = [
    ["429 with Retry-After: 1", { status: 429, errorHeaders: { "retry-after": "1" } }],
    ["429 without Retry-After", { status: 429, errorHeaders: {} }],
    ["500", { status: 500 }],
    ["502", { status: 502 }],
    ["503", { status: 503 }],
    ["a timeout", { delayMs: 1500 }],
    ["a reply cut mid-body (not streamed)", { content: "a reply cut in two halves", fault: "cut-text" }],
  ];
  for (const [name, fault] of cases) {
    it(name, async () => {
      const id = await newAgent();
      const r = await send(id, `fault: ${name}`, [fault, sendMessageReply("recovered")]);
      expect(r.status).toBe(200);
      expect(r.stopReason).toBe("end_turn");
      expect(r.requests).toBe(2);
      expect(JSON.stringify(r.body.messages)).toContain("recovered");
      expect(await run(r.runId)).toMatchObject({ status: "completed", stop_reason: "end_turn" });
    });
  }
});

describe("a provider that keeps failing: a clear stop reason, the input kept, nothing half-stored", () => {
  const cases: Array<[string, ScriptedReply, number, number, string, RegExp]> = [
    [
      "a timeout on every try",
      { delayMs: 1500 },
      3,
      504,
      "provider_timeout",
      /did not answer within 400 ms \(after 2 retries\)/,
    ],
    [
      "429 on every try",
      { status: 429, errorHeaders: {} },
      3,
      502,
      "provider_error",
      /HTTP 429 \(after 2 retries\)/,
    ],
    ["503 on every try", { status: 503 }, 3, 502, "provider_error", /HTTP 503 \(after 2 retries\)/],
    [
      "429 asking to wait an hour",
      { status: 429, errorHeaders: { "retry-after": "3600" } },
      1,
      502,
      "provider_error",
      /retry in 3600 s/,
    ],
    [
      "a body that is not JSON",
      { content: "half a body", fault: "malformed-chunk" },
      1,
      502,
      "provider_error",
      /JSON/,
    ],
  ];
  for (const [name, fault, tries, status, code, message] of cases) {
    it(name, async () => {
      const id = await newAgent();
      const r = await send(
        id,
        `fault: ${name}`,
        Array.from({ length: tries }, () => fault),
      );
      expect(r.status).toBe(status);
      expect(r.error).toMatchObject({ code });
      expect(r.error?.message).toMatch(message);
      expect(r.stopReason).toBe("llm_api_error");
      expect(r.requests).toBe(tries);
      expect(fx.model.pending()).toBe(0);
      expect(await run(r.runId)).toMatchObject({ status: "failed", stop_reason: "llm_api_error" });
      expect(await stored(id)).toEqual([{ type: "user_message", text: `fault: ${name}` }]);
      await answersNext(id);
    });
  }
});

describe("a stream that breaks: the client gets the stop reason and an error frame, no partial reply is stored", () => {
  const cases: Array<[string, ScriptedReply, RegExp]> = [
    [
      "cut mid-token",
      { content: "the start of a reply that never ends", fault: "cut-text" },
      /dropped before the reply was complete/,
    ],
    [
      "cut mid-tool-call",
      { ...sendMessageReply("a message the user never gets"), fault: "cut-tool-call" },
      /dropped before the reply was complete/,
    ],
    ["a malformed chunk", { content: "a reply with a broken chunk", fault: "malformed-chunk" }, /JSON/],
    [
      "an early end (no finish reason)",
      { content: "a reply that stops early", fault: "no-finish" },
      /ended before the model finished/,
    ],
  ];
  for (const [name, fault, message] of cases) {
    it(name, async () => {
      const id = await newAgent();
      const r = await send(id, `fault: ${name}`, [fault], true);
      expect(r.status).toBe(200); // the stream had started: Letta's mid-stream failure shape
      expect(r.stopReason).toBe("llm_api_error");
      expect(r.error?.code).toBe("provider_error");
      expect(r.error?.message).toMatch(message);
      expect(await run(r.runId)).toMatchObject({ status: "failed", stop_reason: "llm_api_error" });
      // The deltas the client saw are not stored as a reply, and the cut tool call never ran.
      expect(await stored(id)).toEqual([{ type: "user_message", text: `fault: ${name}` }]);
      await answersNext(id);
    });
  }
});

describe("a provider that closed a kept-alive socket", () => {
  it("the request is sent again on a new socket at once, even with retries off; the client sees the answer", async () => {
    const strict = await openServerFixture({
      env: {
        LMOS_MODEL: "openai/gpt-4o-mini",
        LMOS_EMBEDDING: "none",
        LMOS_MAX_RETRIES: "0",
      },
    });
    try {
      const id = (await readJson(await strict.call("POST", "/v1/agents/", { name: "kept-alive" }))).id;
      strict.model.push(sendMessageReply("first answer"));
      expect((await strict.call("POST", `/v1/agents/${id}/messages`, { input: "one" })).status).toBe(200);
      // The driver now holds a kept-alive socket to the model; the model resets it on the next request.
      const before = strict.model.requests.length;
      strict.model.push({ fault: "reset-socket" }, sendMessageReply("answer after the reset"));
      const res = await strict.call("POST", `/v1/agents/${id}/messages`, { input: "two" });
      const body = await readJson(res);
      expect(res.status).toBe(200);
      expect(body.stop_reason.stop_reason).toBe("end_turn");
      expect(JSON.stringify(body.messages)).toContain("answer after the reset");
      expect(strict.model.requests.length - before).toBe(2);
    } finally {
      await strict.close();
    }
  });
});

describe("odd but well-formed replies", () => {
  // A 10 MB reply takes longer than 400 ms to arrive on a loaded machine: a timeout is not what this tests.
  beforeAll(async () => {
    await fx.close();
    fx = await open(60_000);
  });

  it("a 10 MB reply is delivered and stored; the next message evicts it into the summary", async () => {
    const id = await newAgent();
    const huge = "lorem ipsum dolor sit amet ".repeat(400_000);
    const r = await send(id, "say a lot", [{ content: huge }]);
    expect(r.status).toBe(200);
    expect(r.requests).toBe(1);
    expect(r.stopReason).toBe("end_turn");
    expect(r.body.messages.at(-1).content.length).toBe(huge.length);
    // 10.8 MB is about 2.4M tokens: the next step must evict it (the summary call sees a clipped copy).
    const next = await send(id, "and now briefly?", [
      { content: "Said a lot of lorem ipsum." },
      sendMessageReply("briefly: ok"),
    ]);
    expect(next.status).toBe(200);
    expect(next.stopReason).toBe("end_turn");
    const summaryRequest = fx.model.requests.at(-2);
    expect(summaryRequest?.toolNames).toEqual([]);
    expect(JSON.stringify(summaryRequest?.body).length).toBeLessThan(100_000);
    const context = await readJson(await fx.call("GET", `/v1/agents/${id}/context`));
    expect(context.context_window_size_current).toBeLessThan(128_000);
  });

  it("a model that never stops calling tools stops at the step limit with max_steps", async () => {
    const id = await newAgent();
    const loop = {
      toolCalls: [{ name: "conversation_search", arguments: { query: "x", request_heartbeat: true } }],
    };
    const r = await send(
      id,
      "search forever",
      Array.from({ length: 50 }, () => loop),
    );
    expect(r.status).toBe(200);
    expect(r.stopReason).toBe("max_steps");
    expect(r.requests).toBe(50);
    expect(await run(r.runId)).toMatchObject({ status: "completed", stop_reason: "max_steps" });
    await answersNext(id);
  });
});
