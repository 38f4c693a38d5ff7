// An agent's conversation as the chat shows it: Letta message parts (stored, or streamed chunk by chunk)
// merged by `otid` into parts, and the parts grouped into turns — a person's message and everything the
// agent did in answer. Stored and streamed parts of one message share their otid, so a streamed reply turns
// into the stored one without changing shape (no jump when the page reloads the history).
import type { LettaMessage } from "../api/types.ts";

export type PartKind = "user" | "reply" | "reasoning" | "tool-call" | "tool-return" | "alert" | "system";

export interface Part {
  key: string;
  id: string;
  kind: PartKind;
  text: string;
  date: string;
  stepId: string | null;
  runId: string | null;
  toolName?: string;
  toolArgs?: string;
  toolCallId?: string;
  status?: "success" | "error";
  /** How many streamed chunks built this part (absent: it arrived whole). */
  chunks?: number;
}

function contentText(c: LettaMessage["content"]): string {
  if (typeof c === "string") return c;
  return (c ?? []).map((p) => p.text ?? "").join("");
}

/** A user-role message the kernel wrote (heartbeat, system alert) rather than a person. */
function alertText(text: string): string | null {
  if (!text.startsWith("{")) return null;
  try {
    const j = JSON.parse(text) as { type?: unknown; message?: unknown; reason?: unknown };
    if (j.type === "heartbeat") return `Heartbeat: ${String(j.reason ?? "")}`.trim();
    if (j.type === "system_alert") return `System alert: ${String(j.message ?? "")}`;
  } catch {
    // a person who typed JSON
  }
  return null;
}

/** The part a Letta message (or the first chunk of one) stands for. */
export function toPart(m: LettaMessage): Part {
  const base = {
    key: m.otid ?? `${m.id}-${m.message_type}`,
    id: m.id,
    date: m.date,
    stepId: m.step_id ?? null,
    runId: m.run_id ?? null,
  };
  switch (m.message_type) {
    case "user_message": {
      const text = contentText(m.content);
      const alert = alertText(text);
      return { ...base, kind: alert === null ? "user" : "alert", text: alert ?? text };
    }
    case "assistant_message":
      return { ...base, kind: "reply", text: contentText(m.content) };
    case "reasoning_message":
    case "hidden_reasoning_message":
      return { ...base, kind: "reasoning", text: m.reasoning ?? "" };
    case "tool_call_message":
      return {
        ...base,
        kind: "tool-call",
        text: "",
        toolName: m.tool_call?.name ?? "",
        toolArgs: m.tool_call?.arguments ?? "",
        toolCallId: m.tool_call?.tool_call_id ?? undefined,
      };
    case "tool_return_message":
      return {
        ...base,
        kind: "tool-return",
        text: m.tool_return ?? "",
        toolCallId: m.tool_call_id,
        status: m.status,
      };
    case "approval_request_message": {
      const call = m.tool_calls?.[0] ?? m.tool_call;
      return {
        ...base,
        kind: "tool-call",
        text: "",
        toolName: call?.name ?? "",
        toolArgs: call?.arguments ?? "",
        toolCallId: call?.tool_call_id ?? undefined,
      };
    }
    case "approval_response_message": {
      const r = m as LettaMessage & { approve?: boolean | null; reason?: string | null };
      const verdict = r.approve ? "Approved" : "Denied";
      return { ...base, kind: "alert", text: r.reason ? `${verdict}: ${r.reason}` : verdict };
    }
    default:
      return { ...base, kind: "system", text: contentText(m.content) };
  }
}

/** Adds a message or streamed chunk: a part seen before grows by the chunk's text (a delta), else it is new. */
export function mergePart(parts: Part[], m: LettaMessage): Part[] {
  const next = toPart(m);
  const at = parts.findIndex((p) => p.key === next.key);
  if (at < 0) return [...parts, next];
  const old = parts[at];
  const merged: Part = { ...old, text: old.text + next.text, chunks: (old.chunks ?? 1) + 1 };
  if (old.kind === "tool-call") {
    merged.toolName = old.toolName || next.toolName;
    merged.toolArgs = (old.toolArgs ?? "") + (next.toolArgs ?? "");
    merged.toolCallId = old.toolCallId ?? next.toolCallId;
  }
  if (next.status) merged.status = next.status;
  const out = parts.slice();
  out[at] = merged;
  return out;
}

export interface Turn {
  key: string;
  /** The person's message (null for a run with no user input, e.g. a wake-up). */
  user: Part | null;
  /** Everything the agent did in answer, in order. */
  parts: Part[];
}

/** Groups parts into turns, each starting at a person's message. */
export function groupTurns(parts: Part[]): Turn[] {
  const turns: Turn[] = [];
  for (const p of parts) {
    if (p.kind === "user") turns.push({ key: p.key, user: p, parts: [] });
    else {
      if (turns.length === 0) turns.push({ key: `lead-${p.key}`, user: null, parts: [] });
      turns[turns.length - 1].parts.push(p);
    }
  }
  return turns;
}

/** Memory tools whose calls edit a core memory block. */
export const MEMORY_TOOLS = new Set(["core_memory_append", "core_memory_replace", "memory_rethink"]);

/** A memory edit as the chat shows it inline: which block, what went out and what came in. */
export interface MemoryEdit {
  label: string;
  removed: string;
  added: string;
  /** memory_rethink rewrites the whole block: `added` is the new value. */
  rewrite: boolean;
}

/** The edit a memory tool call makes, from its arguments (null while they are still streaming). */
export function memoryEditOf(p: Part): MemoryEdit | null {
  if (p.kind !== "tool-call" || !MEMORY_TOOLS.has(p.toolName ?? "")) return null;
  try {
    const a = JSON.parse(p.toolArgs ?? "") as Record<string, unknown>;
    const label = String(a.label ?? "");
    if (p.toolName === "core_memory_append") {
      return { label, removed: "", added: String(a.content ?? ""), rewrite: false };
    }
    if (p.toolName === "core_memory_replace") {
      return {
        label,
        removed: String(a.old_content ?? ""),
        added: String(a.new_content ?? ""),
        rewrite: false,
      };
    }
    return { label, removed: "", added: String(a.new_memory ?? ""), rewrite: true };
  } catch {
    return null;
  }
}

/** The message a tool result carries (Letta packs results as {status, message, time}). */
export function toolResultText(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown };
    if (j && typeof j === "object" && "message" in j) {
      return typeof j.message === "string" ? j.message : JSON.stringify(j.message);
    }
  } catch {
    // plain text result
  }
  return text;
}
