// The kernel's run events → what a chat shows. Token deltas of send_message's `message` argument are
// decoded as they arrive, so MemGPT-style replies stream like plain text replies do.
import type { AgentEvent } from "../../kernel/index.ts";
import { messageText } from "../../store/index.ts";
import type { MessageRecord } from "../../store/types.ts";
import { parseToolResult, sendMessageText } from "../../tools/index.ts";
import { partialStringField } from "../chat/partial-json.ts";
import type { ChatEvent } from "./types.ts";
import { reasoningText } from "./letta-messages.ts";

function assistantEvents(m: MessageRecord, replyMode: "send_message" | "text"): ChatEvent[] {
  const out: ChatEvent[] = [];
  const reasoning = reasoningText(m);
  if (reasoning) out.push({ type: "reasoning", key: `${m.id}:reasoning`, text: reasoning, delta: false });
  const text = messageText(m);
  if (text) {
    const isReply = replyMode === "text" || m.toolCalls.length === 0;
    out.push({ type: isReply ? "reply" : "reasoning", key: `${m.id}:text`, text, delta: false });
  }
  m.toolCalls.forEach((call, i) => {
    const said = call.name === "send_message" ? sendMessageText(call.arguments) : null;
    if (said !== null) out.push({ type: "reply", key: `${m.id}:${i}`, text: said, delta: false });
    else out.push({ type: "tool-call", name: call.name, arguments: call.arguments });
  });
  return out;
}

/** A stateful translator of one run's events (it remembers partial tool-call arguments). */
export function chatEventTranslator(replyMode: "send_message" | "text"): (e: AgentEvent) => ChatEvent[] {
  const calls = new Map<string, { name: string; args: string; shown: number }>();
  const calling = new Set<string>(); // messages that have shown a tool call: their text is monologue
  return (e) => {
    switch (e.type) {
      case "reasoning-delta":
        return [{ type: "reasoning", key: `${e.messageId}:reasoning`, text: e.delta, delta: true }];
      case "text-delta": {
        // With send_message replies, text is inner monologue when the message also calls a tool, and the
        // reply when it does not (common with local models): streamed as a tentative reply until the
        // whole message says which, so a plain-text reply streams like send_message's.
        const key = `${e.messageId}:text`;
        if (replyMode === "text") return [{ type: "reply", key, text: e.delta, delta: true }];
        if (calling.has(e.messageId)) return [];
        return [{ type: "reply", key, text: e.delta, delta: true, tentative: true }];
      }
      case "tool-call-delta": {
        const key = `${e.messageId}:${e.index}`;
        calling.add(e.messageId);
        const call = calls.get(key) ?? { name: "", args: "", shown: 0 };
        if (e.name) call.name = e.name;
        call.args += e.argumentsDelta;
        calls.set(key, call);
        if (call.name !== "send_message") return [];
        const said = partialStringField(call.args, "message");
        if (said === null || said.length <= call.shown) return [];
        const delta = said.slice(call.shown);
        call.shown = said.length;
        return [{ type: "reply", key, text: delta, delta: true }];
      }
      case "message": {
        const m = e.message;
        if (m.role === "assistant") return assistantEvents(m, replyMode);
        if (m.role === "tool")
          return [{ type: "tool-return", name: m.name, ...parseToolResult(messageText(m)) }];
        return [];
      }
      case "memory-edit":
        return [{ type: "memory-edit", label: e.label, tool: e.tool }];
      case "context-pressure":
        return [
          { type: "pressure", action: e.action, ...(e.evicted !== undefined ? { evicted: e.evicted } : {}) },
        ];
      case "run-error":
        return [{ type: "error", code: e.code, message: e.message }];
      case "run-end":
        return [{ type: "finish", stopReason: e.stopReason, usage: { ...e.usage } }];
      default:
        return [];
    }
  };
}
