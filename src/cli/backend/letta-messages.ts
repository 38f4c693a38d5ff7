// Stored messages → Letta's message shapes (reasoning, tool call, tool return, assistant message), so
// `lmos send --json` prints the same shapes locally as a server answers with.
import { messageText } from "../../store/index.ts";
import type { MessageRecord } from "../../store/types.ts";
import { parseToolResult, sendMessageText } from "../../tools/index.ts";

type Json = Record<string, unknown>;

/** The reasoning parts of a stored message, joined as one text (a chat shows them as one block). */
export function reasoningText(m: MessageRecord): string {
  return m.content
    .filter((p) => p.type === "reasoning")
    .map((p) => (p as { text: string }).text)
    .join("");
}

/** Letta's messages for one stored message (an assistant turn may become several). */
export function toLettaMessages(m: MessageRecord, replyMode: "send_message" | "text"): Json[] {
  const base = { id: m.id, date: m.createdAt, run_id: m.runId, step_id: m.stepId, name: m.name };
  const text = messageText(m);
  if (m.role === "system") return [{ ...base, message_type: "system_message", content: text }];
  if (m.role === "user") return [{ ...base, message_type: "user_message", content: text }];
  if (m.role === "tool") {
    const { ok } = parseToolResult(text);
    return [
      {
        ...base,
        message_type: "tool_return_message",
        tool_return: text,
        status: ok ? "success" : "error",
        tool_call_id: m.toolCallId,
      },
    ];
  }
  const out: Json[] = [];
  const reasoning = reasoningText(m);
  if (reasoning) out.push({ ...base, message_type: "reasoning_message", reasoning });
  // With send_message replies, text beside tool calls is the model's inner monologue.
  const textIsReply = replyMode === "text" || m.toolCalls.length === 0;
  if (text) {
    out.push(
      textIsReply
        ? { ...base, message_type: "assistant_message", content: text }
        : { ...base, message_type: "reasoning_message", reasoning: text },
    );
  }
  for (const call of m.toolCalls) {
    const said = call.name === "send_message" ? sendMessageText(call.arguments) : null;
    if (said !== null) out.push({ ...base, message_type: "assistant_message", content: said });
    else {
      out.push({
        ...base,
        message_type: "tool_call_message",
        tool_call: { name: call.name, arguments: call.arguments, tool_call_id: call.id },
      });
    }
  }
  return out;
}
