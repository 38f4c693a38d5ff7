// Letta's JSON shapes (as a server answers) → the CLI's shapes, and streamed Letta messages → chat events.
import { parseToolResult } from "../../tools/types.ts";
import type { ChatEvent, CliAgent, CliBlock, CliContext, CliPassage, CliRun, CliUsage } from "./types.ts";

type Json = Record<string, any>;

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** BlockResponse → CliBlock. */
export function blockFromLetta(b: Json): CliBlock {
  return {
    id: String(b.id),
    label: String(b.label ?? ""),
    value: String(b.value ?? ""),
    limit: num(b.limit),
    description: str(b.description),
  };
}

/** AgentState → CliAgent. */
export function agentFromLetta(a: Json): CliAgent {
  const blocks: Json[] = a.blocks ?? a.memory?.blocks ?? [];
  return {
    id: String(a.id),
    name: String(a.name ?? ""),
    description: str(a.description),
    model: str(a.model) ?? str(a.llm_config?.handle) ?? "",
    embedding: str(a.embedding) ?? str(a.embedding_config?.handle),
    contextWindow: num(a.context_window_limit) ?? num(a.llm_config?.context_window),
    blocks: blocks.map(blockFromLetta),
    tools: ((a.tools ?? []) as Json[]).map((t) => String(t.name)),
    sources: ((a.sources ?? []) as Json[]).map((s) => String(s.name)),
    tags: Array.isArray(a.tags) ? a.tags.map(String) : [],
    createdAt: str(a.created_at),
  };
}

/** Letta Run → CliRun. */
export function runFromLetta(r: Json): CliRun {
  return {
    id: String(r.id),
    agentId: String(r.agent_id ?? ""),
    status: String(r.status ?? ""),
    stopReason: str(r.stop_reason),
    createdAt: str(r.created_at),
    completedAt: str(r.completed_at),
  };
}

/** Passage → CliPassage. */
export function passageFromLetta(p: Json): CliPassage {
  return { id: String(p.id), text: String(p.text ?? ""), tags: p.tags ?? [], createdAt: str(p.created_at) };
}

/** An archival search result ({id, content, timestamp, tags}) → CliPassage. */
export function searchResultFromLetta(r: Json): CliPassage {
  return {
    id: String(r.id ?? ""),
    text: String(r.content ?? r.text ?? ""),
    tags: r.tags ?? [],
    createdAt: str(r.timestamp),
    ...(num(r.score) !== null ? { score: r.score } : {}),
  };
}

/** Letta's usage_statistics → CliUsage. */
export function usageFromLetta(u: Json | null | undefined): CliUsage {
  return {
    promptTokens: num(u?.prompt_tokens) ?? 0,
    completionTokens: num(u?.completion_tokens) ?? 0,
    totalTokens: num(u?.total_tokens) ?? 0,
    stepCount: num(u?.step_count) ?? 0,
  };
}

/** ContextWindowOverview (Letta's GET /v1/agents/{id}/context) → CliContext. */
export function contextFromLetta(c: Json): CliContext {
  return {
    contextWindow: num(c.context_window_size_max),
    total: num(c.context_window_size_current),
    system: num(c.num_tokens_system),
    coreMemory: num(c.num_tokens_core_memory),
    files: num(c.num_tokens_files),
    summary: num(c.num_tokens_summary_memory),
    messages: num(c.num_tokens_messages),
    tools: num(c.num_tokens_functions_definitions),
    inContextMessages: num(c.num_messages),
    recallMessages: num(c.num_recall_memory),
    archivalPassages: num(c.num_archival_memory),
  };
}

/** The text of an assistant_message's content (a string or text parts). */
export function assistantText(m: Json): string {
  if (typeof m.content === "string") return m.content;
  if (Array.isArray(m.content))
    return m.content.map((p: Json) => (typeof p?.text === "string" ? p.text : "")).join("");
  return "";
}

const MEMORY_TOOLS = new Set([
  "core_memory_append",
  "core_memory_replace",
  "memory_rethink",
  "memory_insert",
  "memory_replace",
  "memory_apply_patch",
  "memory",
]);

/**
 * A stateful translator of one streamed run's Letta messages. Chunks sharing an `otid` are pieces of one
 * message (token streaming); a whole message is one piece. Tool calls are shown once complete, and memory
 * edits are inferred from memory tools that succeeded.
 */
export function lettaChatTranslator(): (m: Json) => ChatEvent[] {
  const building = new Map<string, { name: string; args: string; callId: string | null }>();
  const done = new Map<string, { name: string; args: string }>();
  const flush = (except?: string): ChatEvent[] => {
    const out: ChatEvent[] = [];
    for (const [key, call] of building) {
      if (key === except) continue;
      building.delete(key);
      if (call.callId) done.set(call.callId, call);
      out.push({ type: "tool-call", name: call.name, arguments: call.args });
    }
    return out;
  };
  // Text a send_message agent streams as monologue (source non_reasoner_model) shows as a tentative reply,
  // as the local chat shows it; a whole assistant_message of the same message and text confirms it.
  const tentative = new Map<string, { key: string; text: string }>();
  return (m) => {
    const key = String(m.otid ?? `${m.id}-${m.message_type}`);
    switch (m.message_type) {
      case "reasoning_message": {
        const text = String(m.reasoning ?? "");
        if (m.source !== "non_reasoner_model")
          return [...flush(), { type: "reasoning", key, text, delta: true }];
        const seen = tentative.get(String(m.id));
        tentative.set(String(m.id), { key, text: seen?.key === key ? seen.text + text : text });
        return [...flush(), { type: "reply", key, text, delta: true, tentative: true }];
      }
      case "assistant_message": {
        const text = assistantText(m);
        const seen = tentative.get(String(m.id));
        if (seen && seen.text === text)
          return [...flush(), { type: "reply", key: seen.key, text, delta: false }];
        return [...flush(), { type: "reply", key, text, delta: true }];
      }
      case "tool_call_message": {
        const piece = m.tool_call ?? m.tool_calls?.[0] ?? {};
        const call = building.get(key) ?? { name: "", args: "", callId: null };
        if (piece.name) call.name = String(piece.name);
        if (piece.arguments) call.args += String(piece.arguments);
        if (piece.tool_call_id) call.callId = String(piece.tool_call_id);
        building.set(key, call);
        return flush(key);
      }
      case "tool_return_message": {
        const out = flush();
        const call = done.get(String(m.tool_call_id));
        const parsed = parseToolResult(String(m.tool_return ?? ""));
        const ok = m.status ? m.status === "success" : parsed.ok;
        out.push({ type: "tool-return", name: call?.name ?? null, ok, text: parsed.text });
        if (ok && call && MEMORY_TOOLS.has(call.name)) {
          let label = "?";
          try {
            const a = JSON.parse(call.args) as { label?: unknown; block_label?: unknown };
            label = String(a.label ?? a.block_label ?? "?");
          } catch {
            // arguments were not JSON; the tool succeeded anyway
          }
          out.push({ type: "memory-edit", label, tool: call.name });
        }
        return out;
      }
      case "error_message":
        return [
          ...flush(),
          {
            type: "error",
            code: String(m.error_type ?? "error"),
            message: String(m.message ?? m.detail ?? "the run failed"),
          },
        ];
      default:
        return flush();
    }
  };
}
