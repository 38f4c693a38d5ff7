// What a task run needs to read back from an agent run: the reply, and the tool traffic (each tool
// call with its arguments and the result the model was shown), straight from the stored messages.
import type { MessageRecord } from "../../src/store/types.ts";

export interface ToolExchange {
  name: string;
  args: Record<string, unknown>;
  result: string;
}

function textOf(m: MessageRecord): string {
  return m.content
    .filter((p) => p.type === "text")
    .map((p) => (p as { text: string }).text)
    .join("");
}

function parseArgs(raw: string): Record<string, unknown> {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { _raw: raw };
  }
}

/** The text a tool returned: MemGPT wraps it as {"status","message","time"}; other tools send plain text. */
export function unwrapToolResult(content: string): string {
  if (!content.startsWith("{")) return content;
  try {
    const parsed = JSON.parse(content) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : content;
  } catch {
    return content;
  }
}

/** Every tool call of the run with its result (unwrapped), in order. */
export function toolExchanges(messages: MessageRecord[]): ToolExchange[] {
  const results = new Map(
    messages.filter((m) => m.role === "tool").map((m) => [m.toolCallId, unwrapToolResult(textOf(m))]),
  );
  return messages.flatMap((m) =>
    m.role === "assistant"
      ? m.toolCalls.map((c) => ({
          name: c.name,
          args: parseArgs(c.arguments),
          result: results.get(c.id) ?? "",
        }))
      : [],
  );
}

/** The agent's reply to the user: the last send_message, else the last plain assistant text. */
export function replyText(messages: MessageRecord[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== "assistant") continue;
    const send = m.toolCalls.findLast((c) => c.name === "send_message");
    if (send) return String(parseArgs(send.arguments).message ?? "");
    const text = textOf(m).trim();
    if (text) return text;
  }
  return "";
}
