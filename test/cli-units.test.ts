// The CLI's pure parts: streaming send_message text out of partial JSON, printing a turn, the context
// line, SSE parsing, server errors, and exit codes.
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { chatEventTranslator } from "../src/cli/backend/local-events.ts";
import { errorFromResponse, readSse } from "../src/cli/backend/remote-http.ts";
import { lettaChatTranslator } from "../src/cli/backend/remote-letta.ts";
import type { ChatEvent } from "../src/cli/backend/types.ts";
import { partialStringField } from "../src/cli/chat/partial-json.ts";
import { TurnPrinter } from "../src/cli/chat/turn-printer.ts";
import { errorLine, exitCodeOf, UsageError } from "../src/cli/errors.ts";
import { contextLine, shortArgs } from "../src/cli/format.ts";
import { LmosError } from "../src/errors.ts";
import { textSink } from "./cli-harness.ts";

describe("partialStringField", () => {
  it("decodes the field's value as far as it has arrived", () => {
    expect(partialStringField('{"mess', "message")).toBeNull();
    expect(partialStringField('{"message": "Hel', "message")).toBe("Hel");
    expect(partialStringField('{"message": "a\\nb\\"c\\u00e9", "request_heartbeat": true}', "message")).toBe(
      'a\nb"cé',
    );
    // a cut-off escape waits for the rest
    expect(partialStringField('{"message": "x\\', "message")).toBe("x");
    expect(partialStringField('{"message": "x\\u00', "message")).toBe("x");
    // a quoted "message" inside another string is not the field
    expect(partialStringField('{"inner": "say \\"message\\": \\"no\\"", "message": "yes"}', "message")).toBe(
      "yes",
    );
  });
});

describe("TurnPrinter", () => {
  it("streams a reply, then prints only what the deltas missed; shows tools and memory edits", () => {
    const out = textSink();
    const err = textSink();
    const p = new TurnPrinter(out.stream, err.stream, { tty: false, color: false, agentName: "ada" });
    const events: ChatEvent[] = [
      { type: "reasoning", key: "m1:reasoning", text: "thinking", delta: true },
      {
        type: "tool-call",
        name: "core_memory_append",
        arguments: '{"label":"human","content":"Ada","request_heartbeat":true}',
      },
      { type: "tool-return", name: "core_memory_append", ok: true, text: "None" },
      { type: "memory-edit", label: "human", tool: "core_memory_append" },
      { type: "reply", key: "m2:0", text: "Hello ", delta: true },
      { type: "reply", key: "m2:0", text: "Ada", delta: true },
      { type: "reply", key: "m2:0", text: "Hello Ada!", delta: false },
      { type: "tool-return", name: "archival_memory_search", ok: false, text: "bad query" },
      {
        type: "finish",
        stopReason: "end_turn",
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, stepCount: 2 },
      },
    ];
    for (const e of events) p.handle(e);
    p.end();
    expect(out.text()).toBe(
      [
        '  → core_memory_append(label="human", content="Ada")',
        '  ✎ memory "human" updated (core_memory_append)',
        "Hello Ada!",
        "  ✗ archival_memory_search failed: bad query",
        "",
      ].join("\n"),
    );
    expect(p.replies).toEqual(["Hello Ada!"]);
    expect(err.text()).toBe("");
  });

  it("decorates on a terminal and sends errors to stderr", () => {
    const out = textSink();
    const err = textSink();
    const p = new TurnPrinter(out.stream, err.stream, { tty: true, color: false, agentName: "ada" });
    p.handle({ type: "reply", key: "k", text: "Hi", delta: false });
    p.handle({ type: "error", code: "provider_error", message: "the model server answered 500\nstack" });
    expect(out.text()).toBe("ada> Hi\n");
    expect(err.text()).toBe("error: the model server answered 500\n");
    expect(p.errors).toHaveLength(1);
  });
});

describe("event translators", () => {
  it("turns send_message argument deltas into reply deltas (local)", () => {
    const t = chatEventTranslator("send_message");
    const base = { runId: "r", agentId: "a", stepId: "s", messageId: "m", index: 0 };
    const out = [
      ...t({ type: "tool-call-delta", ...base, name: "send_message", argumentsDelta: '{"message": "Hi' }),
      ...t({ type: "tool-call-delta", ...base, argumentsDelta: ' there"}' }),
      ...t({ type: "text-delta", runId: "r", agentId: "a", stepId: "s", messageId: "m", delta: "inner" }),
    ];
    expect(out).toEqual([
      { type: "reply", key: "m:0", text: "Hi", delta: true },
      { type: "reply", key: "m:0", text: " there", delta: true },
    ]);
  });

  it("streams a plain-text reply live on a terminal in send_message mode (local); a thought never counts as a reply", () => {
    const t = chatEventTranslator("send_message");
    const base = { runId: "r", agentId: "a", stepId: "s", messageId: "m" };
    const tty = textSink();
    const piped = textSink();
    const printers = [
      new TurnPrinter(tty.stream, textSink().stream, { tty: true, color: false, agentName: "ada" }),
      new TurnPrinter(piped.stream, textSink().stream, { tty: false, color: false, agentName: "ada" }),
    ];
    const show = (events: ChatEvent[]) => {
      for (const p of printers) for (const e of events) p.handle(e);
    };
    show(t({ type: "text-delta", ...base, delta: "Hello" }));
    show(t({ type: "text-delta", ...base, delta: " Ada" }));
    // on a terminal the reply shows as it streams, before the model has finished
    expect(tty.text()).toBe("ada> Hello Ada");
    expect(piped.text()).toBe("");
    const whole = {
      id: "m",
      agentId: "a",
      role: "assistant" as const,
      content: [{ type: "text" as const, text: "Hello Ada" }],
      toolCalls: [],
      toolCallId: null,
      name: null,
      kind: null,
      runId: "r",
      stepId: "s",
      createdAt: "2026-01-01T00:00:00.000Z",
      seq: 1,
    };
    show(t({ type: "message", runId: "r", agentId: "a", stepId: "s", message: whole }));
    expect(tty.text()).toBe("ada> Hello Ada\n");
    expect(piped.text()).toBe("Hello Ada\n");
    expect(printers.map((p) => p.replies)).toEqual([["Hello Ada"], ["Hello Ada"]]);

    // text followed by a tool call in the same message was a thought: never printed as a reply when piped
    const thought = textSink();
    const p2 = new TurnPrinter(thought.stream, textSink().stream, {
      tty: false,
      color: false,
      agentName: "ada",
    });
    const t2 = chatEventTranslator("send_message");
    const m2 = { ...whole, id: "m2", content: [{ type: "text" as const, text: "I should save this" }] };
    for (const e of [
      ...t2({ type: "text-delta", ...base, messageId: "m2", delta: "I should save this" }),
      ...t2({
        type: "message",
        runId: "r",
        agentId: "a",
        stepId: "s",
        message: { ...m2, toolCalls: [{ id: "c", name: "core_memory_append", arguments: "{}" }] },
      }),
    ])
      p2.handle(e);
    expect(thought.text()).not.toContain("I should save this");
    expect(p2.replies).toEqual([]);
  });

  it("joins token-streamed Letta chunks by otid and shows a tool call once complete (remote)", () => {
    const t = lettaChatTranslator();
    const chunk = (otid: string, fields: Record<string, unknown>) => t({ id: "message-1", otid, ...fields });
    const out = [
      ...chunk("m-call0", {
        message_type: "tool_call_message",
        tool_call: { name: "core_memory_append", arguments: '{"label":', tool_call_id: "c1" },
      }),
      ...chunk("m-call0", {
        message_type: "tool_call_message",
        tool_call: { name: null, arguments: '"human"}', tool_call_id: null },
      }),
      ...t({
        id: "message-2",
        otid: "r",
        message_type: "tool_return_message",
        tool_call_id: "c1",
        status: "success",
        tool_return: "{}",
      }),
      ...chunk("m2-call0", { message_type: "assistant_message", content: "Hi " }),
      ...chunk("m2-call0", { message_type: "assistant_message", content: "there" }),
    ];
    expect(out).toEqual([
      { type: "tool-call", name: "core_memory_append", arguments: '{"label":"human"}' },
      { type: "tool-return", name: "core_memory_append", ok: true, text: "{}" },
      { type: "memory-edit", label: "human", tool: "core_memory_append" },
      { type: "reply", key: "m2-call0", text: "Hi ", delta: true },
      { type: "reply", key: "m2-call0", text: "there", delta: true },
    ]);
  });

  it("infers memory edits from successful memory tools (remote)", () => {
    const t = lettaChatTranslator();
    t({
      message_type: "tool_call_message",
      id: "m1",
      tool_call: { name: "core_memory_replace", arguments: '{"label":"persona"}', tool_call_id: "c1" },
    });
    const events = t({
      message_type: "tool_return_message",
      id: "m2",
      tool_call_id: "c1",
      status: "success",
      tool_return: '{"status":"OK","message":"None"}',
    });
    expect(events).toContainEqual({ type: "memory-edit", label: "persona", tool: "core_memory_replace" });
  });
});

describe("format", () => {
  it("prints the context line with thousands separators and a percentage", () => {
    const line = contextLine({
      contextWindow: 128_000,
      total: 3412,
      system: 1,
      coreMemory: 1,
      files: 0,
      summary: 0,
      messages: 1,
      tools: 1,
      inContextMessages: 14,
      recallMessages: 230,
      archivalPassages: 0,
    });
    expect(line).toBe("context 3,412 / 128,000 tokens (2.7%) · 14 messages in window · 230 in recall");
  });

  it("shortens tool arguments to one line", () => {
    expect(shortArgs('{"query":"cats","request_heartbeat":false}')).toBe('query="cats"');
    expect(shortArgs(`{"content":"${"x".repeat(300)}"}`).length).toBe(100);
  });
});

describe("remote transport", () => {
  it("parses SSE frames split across chunks", async () => {
    const enc = new TextEncoder();
    async function* body() {
      yield enc.encode('data: {"a":1}\n\nevent: error\nda');
      yield enc.encode('ta: {"message":"x"}\n\n: comment\n\ndata: [DONE]\n\n');
    }
    const got = [];
    for await (const e of readSse(body())) got.push(e);
    expect(got).toEqual([
      { event: null, data: '{"a":1}' },
      { event: "error", data: '{"message":"x"}' },
      { event: null, data: "[DONE]" },
    ]);
  });

  it("maps error responses to coded errors", () => {
    const e = errorFromResponse(
      404,
      '{"detail":"agent x not found","code":"not_found","message":"agent x not found"}',
      "u",
    );
    expect(e.code).toBe("not_found");
    expect(e.message).toBe("agent x not found");
    expect(errorFromResponse(401, "", "http://h").message).toMatch(/--api-key or set LMOS_API_KEY/);
    expect(errorFromResponse(502, "oops", "u").code).toBe("provider_error");
  });
});

describe("errors", () => {
  it("exit codes: 0 help/version, 2 usage, 1 runtime", () => {
    expect(exitCodeOf(new CommanderError(0, "commander.helpDisplayed", ""))).toBe(0);
    expect(exitCodeOf(new CommanderError(1, "commander.unknownOption", ""))).toBe(2);
    expect(exitCodeOf(new UsageError("x"))).toBe(2);
    expect(exitCodeOf(new LmosError("not_found", "x"))).toBe(1);
  });

  it("turns an option a schema rejected into one line naming what is wrong, exit code 2", () => {
    const bad = z
      .object({ lora: z.array(z.enum(["qkv", "o"])), steps: z.number().int() })
      .safeParse({ lora: ["qkv", "bogus"], steps: 1.5 }).error;
    const line = errorLine(bad);
    expect(line).toMatch(/^error: lora\.1: .*"qkv".*; steps: .* \(see --help\)$/);
    expect(line).not.toContain("\n");
    expect(exitCodeOf(bad)).toBe(2);
  });

  it("says how to configure a model when none is", () => {
    const line = errorLine(new LmosError("no_provider", "No model provider configured: set OPENAI_API_KEY"));
    expect(line).toMatch(
      /^error: No model provider configured: set OPENAI_API_KEY; pick the model with LMOS_MODEL/,
    );
    expect(line).not.toContain("\n");
  });
});
