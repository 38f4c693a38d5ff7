// Stored messages → Letta's message shapes (reasoning, tool call, tool return, assistant message), so
// `lmos send --json` prints the same shapes locally as a server answers with.
import type { MessageRecord } from "../../store/types.ts";

type Json = Record<string, unknown>;

/** The text parts of a stored message, joined. */
export function messageText(m: MessageRecord): string {
  return m.content
    .filter((p) => p.type === "text")
    .map((p) => (p as { text: string }).text)
    .join("");
}

function reasoningParts(m: MessageRecord): string {
  return m.content
    .filter((p) => p.type === "reasoning")
    .map((p) => (p as { text: string }).text)
    .join("");
}

/** The message text of a send_message call, or null when its arguments do not carry one. */
export function sendMessageText(args: string): string | null {
  try {
    const parsed = JSON.parse(args) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : null;
  } catch {
    return null;
  }
}

/** Letta's messages for one stored message (an assistant turn may become several). */
export function toLettaMessages(m: MessageRecord, replyMode: "send_message" | "text"): Json[] {
  const base = { id: m.id, date: m.createdAt, run_id: m.runId, step_id: m.stepId, name: m.name };
  const text = messageText(m);
  if (m.role === "system") return [{ ...base, message_type: "system_message", content: text }];
  if (m.role === "user") return [{ ...base, message_type: "user_message", content: text }];
  if (m.role === "tool") {
    let ok = true;
    try {
      ok = (JSON.parse(text) as { status?: string }).status !== "Failed";
    } catch {
      // a tool result that is not Letta's JSON envelope counts as a success
    }
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
  const reasoning = reasoningParts(m);
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
