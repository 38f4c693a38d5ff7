// Building the message records the kernel stores (input, assistant, tool results, alerts).
import { messageText } from "../context/index.ts";
import { newMessageRecord } from "../store/index.ts";
import type { ContentPart, MessageRecord, Role, ToolCallRecord } from "../store/types.ts";
import { sendMessageText } from "../tools/index.ts";

/** Where a new message belongs: its agent, run and step (null outside a step). */
export interface MessageOrigin {
  agentId: string;
  runId: string | null;
  stepId: string | null;
  now: string;
}

/** A new message record; `seq` is assigned by the store. */
export function newMessage(
  origin: MessageOrigin,
  role: Role,
  content: ContentPart[],
  extra: Partial<Pick<MessageRecord, "id" | "toolCalls" | "toolCallId" | "name" | "kind">> = {},
): MessageRecord {
  return newMessageRecord({
    ...extra,
    agentId: origin.agentId,
    role,
    content,
    runId: origin.runId,
    stepId: origin.stepId,
    createdAt: origin.now,
  });
}

/** A message with one text part. */
export function textMessage(
  origin: MessageOrigin,
  role: Role,
  text: string,
  extra: Parameters<typeof newMessage>[3] = {},
): MessageRecord {
  return newMessage(origin, role, [{ type: "text", text }], extra);
}

/** The assistant message of a step: reasoning, text and tool calls as the model produced them. */
export function assistantMessage(
  origin: MessageOrigin,
  id: string,
  text: string,
  reasoning: string,
  toolCalls: ToolCallRecord[],
): MessageRecord {
  const content: ContentPart[] = [];
  if (reasoning) content.push({ type: "reasoning", text: reasoning });
  if (text) content.push({ type: "text", text });
  return newMessage(origin, "assistant", content, { id, toolCalls });
}

/**
 * The reply text a message carries to the user: send_message's argument, or assistant text. In
 * send_message mode, text beside tool calls is the model's inner monologue, not a reply.
 */
export function replyOf(message: MessageRecord, replyMode: "send_message" | "text"): string[] {
  if (message.role !== "assistant") return [];
  const out: string[] = [];
  const text = messageText(message);
  if (text && (replyMode === "text" || message.toolCalls.length === 0)) out.push(text);
  for (const call of message.toolCalls) {
    if (call.name !== "send_message") continue;
    // Malformed arguments: the tool failed and the model was told; nothing reached the user.
    const said = sendMessageText(call.arguments);
    if (said !== null) out.push(said);
  }
  return out;
}
