import { describe, expect, it } from "vitest";
import { chatBodyJson, toWireMessage, toWireTool } from "./openai-body.ts";
import type { ChatMessage, ToolSpec } from "./types.ts";

const messages: ChatMessage[] = [
  { role: "system", content: 'You are "Sam".\nLine two \u2028 ünïcødé 🦦' },
  { role: "user", content: "hello" },
  {
    role: "assistant",
    content: null,
    toolCalls: [{ id: "c1", name: "send_message", arguments: '{"message":"hi"}' }],
  },
  { role: "tool", toolCallId: "c1", name: "send_message", content: '{"status":"OK"}' },
  { role: "assistant", content: "plain" },
];
const tools: ToolSpec[] = [
  {
    name: "send_message",
    description: "Sends",
    parameters: { type: "object", properties: { message: { type: "string" } } },
  },
  { name: "noop", description: "", parameters: { type: "object", properties: {} } },
];

describe("chatBodyJson", () => {
  it("is the request JSON.stringify would write, with and without tools and other fields", () => {
    const whole = (rest: Record<string, unknown>, t?: ToolSpec[]) => ({
      ...rest,
      messages: messages.map(toWireMessage),
      ...(t?.length ? { tools: t.map(toWireTool) } : {}),
    });
    for (const rest of [{ model: "m" }, { model: "m", tool_choice: "auto", max_tokens: 5, stream: true }]) {
      for (const t of [undefined, [], tools]) {
        const text = chatBodyJson(rest as { model: string }, messages, t);
        expect(JSON.parse(text)).toEqual(whole(rest, t));
      }
    }
  });
});
