// Sending a message with token streaming: POST …/messages/stream answers Letta's SSE stream, read here from
// the fetch body (EventSource cannot POST or send the key). Each data frame is one Letta message chunk, a
// stop_reason, or usage_statistics; `[DONE]` ends it; an `error` event carries a failure mid-run.
import { apiUrl, authHeaders, failure, seg } from "./client.ts";
import type { LettaMessage } from "./types.ts";

export interface StreamHandlers {
  onMessage(m: LettaMessage): void;
  onStop?(reason: string): void;
  onUsage?(usage: Record<string, unknown>): void;
}

/** Sends `text` to the agent and feeds the stream's frames to the handlers until it ends. */
export function streamMessage(
  agentId: string,
  text: string,
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<void> {
  return streamMessages(agentId, [{ role: "user", content: text }], handlers, signal);
}

/** An answer to a paused run's approval request (Letta's approval message). */
export function approvalMessage(decisions: Array<{ toolCallId: string; approve: boolean; reason?: string }>) {
  return {
    type: "approval",
    approvals: decisions.map((d) => ({
      type: "approval",
      tool_call_id: d.toolCallId,
      approve: d.approve,
      ...(d.reason ? { reason: d.reason } : {}),
    })),
  };
}

/** Sends Letta input messages (user messages, an approval) and streams the run they start. */
export async function streamMessages(
  agentId: string,
  messages: unknown[],
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<void> {
  const res = await fetch(apiUrl(`agents/${seg(agentId)}/messages/stream`), {
    method: "POST",
    headers: authHeaders({ "content-type": "application/json", accept: "text/event-stream" }),
    body: JSON.stringify({ messages, stream_tokens: true }),
    signal,
  });
  if (!res.ok || !res.body) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (handleFrame(frame, handlers)) return;
      cut = buffer.indexOf("\n\n");
    }
  }
}

/** Handles one SSE frame; true when the stream is over. */
function handleFrame(frame: string, h: StreamHandlers): boolean {
  let event = "message";
  const data: string[] = [];
  for (const line of frame.split("\n")) {
    if (line.startsWith(":")) continue; // keepalive comment
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  const text = data.join("\n");
  if (!text) return false;
  if (text === "[DONE]") return true;
  const body = JSON.parse(text) as LettaMessage & Record<string, unknown>;
  if (event === "error") {
    throw new Error(String(body.message ?? body.detail ?? "the run failed"));
  }
  if (body.message_type === "stop_reason") h.onStop?.(String(body.stop_reason));
  else if (body.message_type === "usage_statistics") h.onUsage?.(body);
  else if (body.message_type !== "ping") h.onMessage(body);
  return false;
}
