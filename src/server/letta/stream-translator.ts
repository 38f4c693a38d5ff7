// The kernel's event stream → Letta's streaming messages. Without token streaming each committed message
// is sent whole; with it, deltas go out as partial chunks sharing the stored message's id, and the
// committed message then only adds the parts that were not streamed. send_message's `message` argument
// is streamed as assistant_message text, decoded from the arguments JSON as it arrives.
import type { AgentEvent } from "../../kernel/events.ts";
import { commonFields, isRunOutput, type LettaMessage, messageParts, type ReplyMode } from "./messages.ts";

/** The decoded prefix of a JSON string field in possibly incomplete JSON, or null if it has not started. */
export function partialStringField(json: string, field: string): string | null {
  const m = new RegExp(`"${field}"\\s*:\\s*"`).exec(json);
  if (!m) return null;
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };
  let out = "";
  let i = m.index + m[0].length;
  while (i < json.length) {
    const ch = json[i];
    if (ch === '"') return out;
    if (ch === "\\") {
      if (i + 1 >= json.length) break;
      const next = json[i + 1];
      if (next === "u") {
        if (i + 6 > json.length) break;
        out += String.fromCharCode(Number.parseInt(json.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      out += escapes[next] ?? next;
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

interface CallState {
  name: string | null;
  toolCallId: string | null;
  args: string;
  sent: number;
}

/** Translates one run's events; keep one instance per stream. */
export class StreamTranslator {
  private seq = 0;
  private readonly streamed = new Map<string, Set<string>>();
  private readonly calls = new Map<string, CallState>();

  constructor(private readonly replyMode: ReplyMode) {}

  private mark(messageId: string, key: string): void {
    let keys = this.streamed.get(messageId);
    if (!keys) {
      keys = new Set();
      this.streamed.set(messageId, keys);
    }
    keys.add(key);
  }

  private chunk(
    e: { messageId: string; runId: string; stepId: string },
    key: string,
    fields: { message_type: string } & Record<string, unknown>,
  ): LettaMessage {
    this.mark(e.messageId, key);
    const base = commonFields(
      { id: e.messageId, createdAt: new Date().toISOString(), runId: e.runId, stepId: e.stepId },
      key,
    );
    return { ...base, ...fields, seq_id: ++this.seq };
  }

  /** The Letta messages this event stands for (none for bookkeeping events). */
  translate(e: AgentEvent): LettaMessage[] {
    switch (e.type) {
      case "reasoning-delta":
        return [
          this.chunk(e, "reasoning", {
            message_type: "reasoning_message",
            reasoning: e.delta,
            source: "reasoner_model",
          }),
        ];
      case "text-delta":
        // With send_message replies, text streams as inner monologue (source non_reasoner_model, as Letta
        // marks it); should the whole message call no tool, that text was the reply (below).
        return [
          this.replyMode === "text"
            ? this.chunk(e, "text", { message_type: "assistant_message", content: e.delta })
            : this.chunk(e, "text", {
                message_type: "reasoning_message",
                reasoning: e.delta,
                source: "non_reasoner_model",
              }),
        ];
      case "tool-call-delta":
        return this.toolCallDelta(e);
      case "message": {
        if (!isRunOutput(e.message)) return [];
        const done = this.streamed.get(e.message.id);
        const parts = messageParts(e.message, this.replyMode);
        const out = parts.filter((p) => !done?.has(p.key));
        // A plain-text answer of a send_message agent (common with local models) streamed as monologue
        // but is the reply: it follows whole as the assistant_message it is, under its own otid.
        const reply = parts.find((p) => p.key === "text" && p.message.message_type === "assistant_message");
        if (reply && this.replyMode === "send_message" && done?.has("text")) {
          out.unshift({ key: "reply", message: { ...reply.message, otid: `${e.message.id}-reply` } });
        }
        return out.map((p) => ({ ...p.message, seq_id: ++this.seq }) as LettaMessage);
      }
      default:
        return [];
    }
  }

  private toolCallDelta(e: Extract<AgentEvent, { type: "tool-call-delta" }>): LettaMessage[] {
    const key = `call${e.index}`;
    const id = `${e.messageId}:${key}`;
    let state = this.calls.get(id);
    if (!state) {
      state = { name: null, toolCallId: null, args: "", sent: 0 };
      this.calls.set(id, state);
    }
    const first = state.name === null && e.name !== undefined;
    if (e.name !== undefined) state.name = e.name;
    if (e.toolCallId !== undefined) state.toolCallId = e.toolCallId;
    state.args += e.argumentsDelta;
    if (state.name === "send_message") {
      const text = partialStringField(state.args, "message");
      if (text === null || text.length <= state.sent) return [];
      const delta = text.slice(state.sent);
      state.sent = text.length;
      return [this.chunk(e, key, { message_type: "assistant_message", content: delta })];
    }
    if (!first && !e.argumentsDelta) return [];
    const call = {
      name: first ? state.name : null,
      arguments: e.argumentsDelta,
      tool_call_id: state.toolCallId,
    };
    return [this.chunk(e, key, { message_type: "tool_call_message", tool_call: call, tool_calls: call })];
  }
}
