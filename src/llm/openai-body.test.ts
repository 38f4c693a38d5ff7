import { describe, expect, it } from "vitest";
import { chatBody, toWireMessage, toWireTool } from "./openai-body.ts";
import type { ChatMessage, ToolSpec } from "./types.ts";

const tools: ToolSpec[] = [
  {
    name: "send_message",
    description: "Sends",
    parameters: { type: "object", properties: { message: { type: "string" } } },
  },
  { name: "noop", description: "", parameters: { type: "object", properties: {} } },
];

/** What the SDK would have sent: JSON.stringify of the whole request. */
function reference(rest: Record<string, unknown>, messages: ChatMessage[], t?: ToolSpec[]) {
  return {
    ...rest,
    messages: messages.map(toWireMessage),
    ...(t?.length ? { tools: t.map(toWireTool) } : {}),
  };
}

/** One exchange of a step: the user's text, the model's call and the tool's result. */
function exchange(i: number): ChatMessage[] {
  return [
    { role: "user", content: `hello ${i} — ünïcødé 🦦 "quoted"\n\u2028` },
    {
      role: "assistant",
      content: null,
      toolCalls: [{ id: `c${i}`, name: "send_message", arguments: `{"message":"hi ${i}"}` }],
    },
    { role: "tool", toolCallId: `c${i}`, name: "send_message", content: '{"status":"OK"}' },
    ...(i % 5 === 0 ? [{ role: "assistant", content: `plain ${i}` } as ChatMessage] : []),
  ];
}

describe("chatBody", () => {
  it("is the request JSON.stringify would write, with and without tools and other fields", () => {
    const messages: ChatMessage[] = [{ role: "system", content: "You are Sam." }, ...exchange(0)];
    for (const rest of [{ model: "m" }, { model: "m", tool_choice: "auto", max_tokens: 5, stream: true }]) {
      for (const t of [undefined, [], tools]) {
        const body = chatBody(rest as { model: string }, messages, t);
        expect(JSON.parse(body.toString("utf8"))).toEqual(reference(rest, messages, t));
      }
    }
  });

  it("stays exact step after step as the window grows, gets a summary notice, is evicted and reset", () => {
    // The kernel's pattern: the same message objects step after step, a new system prompt (and notice) each
    // step, the window growing at the end, its head cut by an eviction, and a reset to an empty window.
    let window: ChatMessage[] = [];
    let summary = false;
    for (let step = 0; step < 60; step++) {
      window = [...window, ...exchange(step)];
      if (step === 20) summary = true; // the agent now has a summary: a notice sits before the window
      if (step === 30) window = window.slice(Math.floor(window.length / 2)); // eviction
      if (step === 45) {
        window = [];
        summary = false; // reset
      }
      const messages: ChatMessage[] = [
        { role: "system", content: `You are Sam. Step ${step}.` },
        ...(summary ? [{ role: "user", content: `summary before step ${step}` } as ChatMessage] : []),
        ...window,
      ];
      const body = chatBody({ model: "m" }, messages, tools);
      expect(JSON.parse(body.toString("utf8"))).toEqual(reference({ model: "m" }, messages, tools));
      if (step % 7 === 3) {
        // Another request over the same window that goes on differently (a summariser's call): exact too,
        // and the agent's next step stays exact after it.
        const other: ChatMessage[] = [
          { role: "system", content: "Summarise." },
          ...window,
          { role: "user", content: `now summarise ${step}` },
        ];
        const b = chatBody({ model: "s" }, other, undefined);
        expect(JSON.parse(b.toString("utf8"))).toEqual(reference({ model: "s" }, other));
      }
    }
  });
});
