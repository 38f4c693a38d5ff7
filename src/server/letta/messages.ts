// Stored messages → Letta messages. One stored assistant message expands into reasoning_message,
// tool_call_message(s) and assistant_message (send_message's `message` argument), all sharing the stored
// id, as Letta does; each expanded part has a key so a stream can tell which parts it already sent.
import type { RunUsage, StopReason } from "../../kernel/events.ts";
import { messageText } from "../../store/index.ts";
import type { MessageRecord, PendingApproval, ToolCallRecord } from "../../store/types.ts";
import { parseToolResult, sendMessageText } from "../../tools/index.ts";

export type LettaMessage = { id: string; message_type: string } & Record<string, unknown>;
export type ReplyMode = "send_message" | "text";

/** One expanded part of a stored message, keyed by its place in the message ("reasoning", "text", "call0"). */
export interface MessagePart {
  key: string;
  message: LettaMessage;
}

/** Letta's fields common to every message type. */
export function commonFields(m: Pick<MessageRecord, "id" | "createdAt" | "runId" | "stepId">, key: string) {
  return {
    id: m.id,
    date: m.createdAt,
    otid: `${m.id}-${key}`,
    sender_id: null,
    step_id: m.stepId,
    run_id: m.runId,
    is_err: false,
  };
}

/** Letta's tool_call object for one call. */
export function toolCallObject(call: { id: string; name: string; arguments: string }) {
  return { name: call.name, arguments: call.arguments, tool_call_id: call.id };
}

/** Letta's approval_request_message fields for held calls (tool_call is the first, kept for old clients). */
function approvalRequestFields(calls: ToolCallRecord[]) {
  const objects = calls.map(toolCallObject);
  return { message_type: "approval_request_message", tool_call: objects[0], tool_calls: objects };
}

/** AgentState.pending_approval: the approval request a paused run waits on. */
export function approvalRequestToLetta(p: PendingApproval): LettaMessage {
  return {
    ...commonFields(
      { id: p.messageId, createdAt: p.createdAt, runId: p.runId, stepId: p.stepId },
      "approval",
    ),
    name: null,
    ...approvalRequestFields(p.toolCalls),
  };
}

// The stored approval response is JSON {type:"approval_response", approvals:[{tool_call_id, approve, reason}]}.
function approvalResponseFields(text: string) {
  let approvals: Array<{ tool_call_id?: string; approve?: boolean; reason?: string | null }> = [];
  try {
    const parsed = JSON.parse(text) as { approvals?: typeof approvals };
    if (Array.isArray(parsed.approvals)) approvals = parsed.approvals;
  } catch {
    // not ours: shown with no approvals
  }
  const first = approvals[0];
  return {
    message_type: "approval_response_message",
    approvals,
    approve: first?.approve ?? null,
    approval_request_id: first?.tool_call_id ?? null,
    reason: first?.reason ?? null,
  };
}

/** The Letta messages one stored message stands for, in order, with their part keys. */
export function messageParts(m: MessageRecord, replyMode: ReplyMode): MessagePart[] {
  const part = (key: string, fields: { message_type: string } & Record<string, unknown>): MessagePart => ({
    key,
    message: { ...commonFields(m, key), name: m.name, ...fields },
  });
  if (m.role === "system") return [part("text", { message_type: "system_message", content: messageText(m) })];
  if (m.role === "user" && m.kind === "approval_response") {
    return [part("text", approvalResponseFields(messageText(m)))];
  }
  if (m.role === "user") return [part("text", { message_type: "user_message", content: messageText(m) })];
  if (m.role === "tool") {
    const text = messageText(m);
    const status = parseToolResult(text).ok ? "success" : "error";
    const ret = { tool_call_id: m.toolCallId ?? "", status, tool_return: text, stdout: null, stderr: null };
    return [
      part("text", {
        message_type: "tool_return_message",
        tool_return: text,
        status,
        tool_call_id: m.toolCallId ?? "",
        stdout: null,
        stderr: null,
        tool_returns: [{ ...ret, type: "tool" }],
      }),
    ];
  }
  const out: MessagePart[] = [];
  let r = 0;
  for (const p of m.content) {
    if (p.type !== "reasoning") continue;
    out.push(
      part(r === 0 ? "reasoning" : `reasoning${r}`, {
        message_type: "reasoning_message",
        reasoning: p.text,
        source: "reasoner_model",
        signature: null,
      }),
    );
    r++;
  }
  const text = messageText(m);
  if (text) {
    // With send_message replies, text beside tool calls is the model's inner monologue.
    const monologue = replyMode === "send_message" && m.toolCalls.length > 0;
    out.push(
      part(
        "text",
        monologue
          ? {
              message_type: "reasoning_message",
              reasoning: text,
              source: "non_reasoner_model",
              signature: null,
            }
          : { message_type: "assistant_message", content: text },
      ),
    );
  }
  // Held calls show as one approval_request_message after the others (Letta stores them apart, in that order).
  const held = m.toolCalls.filter((c) => c.requiresApproval);
  m.toolCalls.forEach((call, i) => {
    if (call.requiresApproval) return;
    const reply = call.name === "send_message" ? sendMessageText(call.arguments) : null;
    out.push(
      part(
        `call${i}`,
        reply !== null
          ? { message_type: "assistant_message", content: reply }
          : {
              message_type: "tool_call_message",
              tool_call: toolCallObject(call),
              tool_calls: [toolCallObject(call)],
            },
      ),
    );
  });
  if (held.length) out.push(part("approval", approvalRequestFields(held)));
  return out;
}

/** The Letta messages of stored messages, oldest first (or newest first with `desc`, parts reversed too). */
export function messagesToLetta(
  records: MessageRecord[],
  replyMode: ReplyMode,
  order: "asc" | "desc" = "asc",
): LettaMessage[] {
  const out: LettaMessage[] = [];
  for (const m of records) {
    const parts = messageParts(m, replyMode).map((p) => p.message);
    out.push(...(order === "desc" ? parts.reverse() : parts));
  }
  return out;
}

/** What a run produced for the caller: everything but user/system input, heartbeats and alerts. */
export function isRunOutput(m: MessageRecord): boolean {
  return m.role === "assistant" || m.role === "tool";
}

/** Letta's stop_reason object. */
export function stopReasonOf(reason: StopReason | string): LettaMessage {
  return { message_type: "stop_reason", stop_reason: reason } as unknown as LettaMessage;
}

/** Letta's usage_statistics object. */
export function usageOf(usage: RunUsage, runId: string): Record<string, unknown> {
  return {
    message_type: "usage_statistics",
    completion_tokens: usage.completionTokens,
    prompt_tokens: usage.promptTokens,
    total_tokens: usage.totalTokens,
    step_count: usage.stepCount,
    run_ids: [runId],
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    context_tokens: null,
  };
}
