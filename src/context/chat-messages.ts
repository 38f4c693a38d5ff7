// Stored message records → provider chat messages. Reasoning parts are the model's own scratchpad and are
// not sent back; kernel-written messages (heartbeat, system_alert, summary) are user-role JSON texts, as
// in Letta. Conversions are memoised per record: records never change once stored.
import type { ChatMessage } from "../llm/types.ts";
import { messageText } from "../store/index.ts";
import type { MessageRecord } from "../store/types.ts";

const converted = new WeakMap<MessageRecord, ChatMessage>();

function convert(m: MessageRecord): ChatMessage {
  const text = messageText(m);
  switch (m.role) {
    case "assistant":
      return m.toolCalls.length > 0
        ? {
            role: "assistant",
            content: text || null,
            toolCalls: m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
          }
        : { role: "assistant", content: text };
    case "tool":
      return { role: "tool", toolCallId: m.toolCallId ?? "", name: m.name ?? "", content: text };
    default:
      // Only the compiled prompt is a system message; a stored system-role record reads as a user alert.
      return { role: "user", content: text };
  }
}

/** The provider message of one record (memoised). */
export function toChatMessage(m: MessageRecord): ChatMessage {
  let c = converted.get(m);
  if (!c) {
    c = convert(m);
    converted.set(m, c);
  }
  return c;
}

/**
 * Stored records (oldest first) → provider messages. A tool result whose call is not in the window is
 * dropped: providers reject it, and eviction never produces one (planEviction), so only damaged history does.
 */
export function toChatMessages(messages: MessageRecord[]): ChatMessage[] {
  return keptForChat(messages).map(toChatMessage);
}

/** The records toChatMessages sends (all but orphan tool results). */
export function keptForChat(messages: MessageRecord[]): MessageRecord[] {
  const calls = new Set<string>();
  const out: MessageRecord[] = [];
  for (const m of messages) {
    if (m.role === "assistant") for (const c of m.toolCalls) calls.add(c.id);
    if (m.role === "tool" && !calls.has(m.toolCallId ?? "")) continue;
    out.push(m);
  }
  return out;
}
