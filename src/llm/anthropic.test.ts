import { describe, expect, it } from "vitest";
import { toAnthropicMessages } from "./anthropic.ts";
import { createProvider } from "./create-provider.ts";
import { providerContract } from "./provider-contract.testkit.ts";

providerContract("anthropic", (model, { maxRetries, timeoutMs }) =>
  createProvider("anthropic", {
    ANTHROPIC_BASE_URL: model.anthropicUrl,
    ANTHROPIC_API_KEY: "test-key",
    LMOS_MAX_RETRIES: String(maxRetries),
    LMOS_LLM_TIMEOUT_MS: String(timeoutMs),
  }),
);

describe("anthropic message mapping", () => {
  it("hoists system text, sends tool results as user blocks and merges same-role turns", () => {
    const { system, messages } = toAnthropicMessages([
      { role: "system", content: "a" },
      { role: "user", content: "q1" },
      { role: "user", content: "q2" },
      {
        role: "assistant",
        content: "thinking aloud",
        toolCalls: [
          { id: "t1", name: "f", arguments: '{"x":1}' },
          { id: "t2", name: "g", arguments: "{broken" },
        ],
      },
      { role: "tool", toolCallId: "t1", name: "f", content: "r1" },
      { role: "tool", toolCallId: "t2", name: "g", content: "r2" },
      { role: "system", content: "b" },
    ]);
    expect(system).toBe("a\n\nb");
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(messages[0].content).toHaveLength(2);
    expect(messages[1].content).toEqual([
      { type: "text", text: "thinking aloud" },
      { type: "tool_use", id: "t1", name: "f", input: { x: 1 } },
      { type: "tool_use", id: "t2", name: "g", input: {} },
    ]);
    expect(messages[2].content).toEqual([
      { type: "tool_result", tool_use_id: "t1", content: "r1" },
      { type: "tool_result", tool_use_id: "t2", content: "r2" },
    ]);
  });

  it("opens with a user turn when the history starts with the assistant", () => {
    const { messages } = toAnthropicMessages([{ role: "assistant", content: "hello" }]);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });
});
