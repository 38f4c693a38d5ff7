// Token streaming of send_message: the reply text is decoded from partial JSON arguments as they arrive.
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../kernel/events.ts";
import { partialStringField, StreamTranslator } from "./stream-translator.ts";

describe("partialStringField", () => {
  it("decodes the field's prefix from incomplete JSON, escapes included", () => {
    expect(partialStringField('{"mess', "message")).toBeNull();
    expect(partialStringField('{"message": "Hel', "message")).toBe("Hel");
    expect(partialStringField('{"message": "a\\nb\\"c', "message")).toBe('a\nb"c');
    expect(partialStringField('{"message": "x\\u00e9y"}', "message")).toBe("xéy");
    expect(partialStringField('{"message": "cut \\u00', "message")).toBe("cut ");
    expect(partialStringField('{"message": "trailing \\', "message")).toBe("trailing ");
  });
});

describe("StreamTranslator", () => {
  const base = { runId: "run-1", agentId: "agent-1", stepId: "step-1", messageId: "message-1" };
  it("streams send_message arguments as assistant_message deltas and skips them at commit", () => {
    const t = new StreamTranslator("send_message");
    const deltas = ['{"mes', 'sage": "Hi ', "there", '!"}'];
    const out = deltas.flatMap((d, i) =>
      t.translate({
        ...base,
        type: "tool-call-delta",
        index: 0,
        argumentsDelta: d,
        ...(i === 0 ? { name: "send_message", toolCallId: "call-1" } : {}),
      } as AgentEvent),
    );
    expect(out.map((m) => m.content).join("")).toBe("Hi there!");
    expect(new Set(out.map((m) => m.id))).toEqual(new Set(["message-1"]));
    const committed = t.translate({
      ...base,
      type: "message",
      message: {
        id: "message-1",
        agentId: "agent-1",
        role: "assistant",
        content: [],
        toolCalls: [{ id: "call-1", name: "send_message", arguments: '{"message": "Hi there!"}' }],
        toolCallId: null,
        name: null,
        kind: null,
        runId: "run-1",
        stepId: "step-1",
        createdAt: new Date().toISOString(),
        seq: 1,
      },
    });
    expect(committed).toEqual([]);
  });
});
