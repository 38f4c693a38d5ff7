// A new message's record (the one place that knows every optional field's empty value), and the text a
// message carries.
import { newId, nowIso } from "./ids.ts";
import type { MessageRecord } from "./types.ts";

/** A fresh MessageRecord: the given fields over no tool calls, no run or step, created now; `text` (if
 * given) becomes the one text part. `seq` is 0 until the store assigns it. */
export function newMessageRecord(
  fields: Pick<MessageRecord, "agentId" | "role"> & Partial<MessageRecord> & { text?: string },
): MessageRecord {
  const { text, ...rest } = fields;
  return {
    id: newId("message"),
    content: text === undefined ? [] : [{ type: "text", text }],
    toolCalls: [],
    toolCallId: null,
    name: null,
    kind: null,
    runId: null,
    stepId: null,
    createdAt: nowIso(),
    seq: 0,
    ...rest,
  };
}

/** The text parts of a message, joined by newlines: what the model is sent, the summariser reads and the
 * API shows. (lmos stores at most one text part per message — the server joins an input's parts into
 * one — so the joiner only matters for records a library caller built with several.) */
export function messageText(m: Pick<MessageRecord, "content">): string {
  let out = "";
  for (const part of m.content) {
    if (part.type !== "text") continue;
    out = out ? `${out}\n${part.text}` : part.text;
  }
  return out;
}
