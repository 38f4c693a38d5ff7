// The context compiler: system prompt (agent text + core memory + extra sections + metadata), the recursive
// summary notice, the message window and the tool schemas, with an exact token breakdown. Per step only
// the metadata segment and new messages are tokenised: prompt segments are memoised by the counter's
// string cache, message counts by message id (a message never changes once stored).
import { countMessageTokens, countToolTokens, type TokenCounter } from "../llm/index.ts";
import type { ChatMessage, ToolSpec } from "../llm/types.ts";
import type { AgentRecord, BlockRecord, MessageRecord } from "../store/types.ts";
import { summaryNoticeMessage } from "./alerts.ts";
import { toChatMessage } from "./chat-messages.ts";
import {
  type ExtraSection,
  type MemoryCounts,
  type PromptPart,
  systemPromptSegments,
} from "./core-memory.ts";

/** Token breakdown of a compiled context (runtime's ContextBreakdown without the store counts). */
export interface ContextTokens {
  contextWindow: number;
  total: number;
  /** The agent's own system text (and the message framing of the system prompt). */
  system: number;
  /** Memory blocks, extra sections but open files, and memory metadata. */
  coreMemory: number;
  /** The open files section (0 when no file is open). */
  files: number;
  /** The recursive summary notice (0 when there is no summary). */
  summary: number;
  messages: number;
  tools: number;
  inContextMessages: number;
  systemPrompt: string;
}

export interface CompileInput {
  agent: AgentRecord;
  blocks: BlockRecord[];
  /** The in-context messages, oldest first. */
  messages: MessageRecord[];
  tools: ToolSpec[];
  counts: MemoryCounts;
  now: string;
  contextWindow: number;
  tokens: TokenCounter;
  extraSections?: ExtraSection[];
  /** The agent's window memo: makes a step cost O(new messages) instead of O(window) here. */
  memo?: WindowMemo;
}

export interface CompiledContext {
  /** System prompt, then the summary notice (when the agent has a summary), then the window. */
  messages: ChatMessage[];
  systemPrompt: string;
  breakdown: ContextTokens;
}

// Per record: its provider message and token count under one encoding (agents keep one model, so one
// slot suffices; a second encoding falls back to the id-keyed map). Records never change once stored.
const perRecord = new WeakMap<
  MessageRecord,
  { chat: ChatMessage; encoding: string; tokens: number; settled: true }
>();
const byId = new Map<string, Map<string, number>>();
const MAX_BY_ID = 200_000;

/** Whether every text of `chat` has its exact count (a long one may not yet: see TokenCounter.settled). */
function settledChat(tokens: TokenCounter, chat: ChatMessage): boolean {
  if (chat.content && !tokens.settled(chat.content)) return false;
  if (chat.role === "assistant" && chat.toolCalls) {
    for (const call of chat.toolCalls) if (!tokens.settled(call.arguments)) return false;
  }
  return true;
}

function recordTokens(
  tokens: TokenCounter,
  m: MessageRecord,
): { chat: ChatMessage; tokens: number; settled: boolean } {
  const hit = perRecord.get(m);
  if (hit && hit.encoding === tokens.encoding) return hit;
  const chat = hit?.chat ?? toChatMessage(m);
  let ids = byId.get(tokens.encoding);
  if (!ids) {
    ids = new Map();
    byId.set(tokens.encoding, ids);
  }
  let n = ids.get(m.id);
  if (n === undefined) {
    n = countMessageTokens(tokens, chat);
    // An upper bound stands in for a long text not counted yet: used for this compile, never memoised.
    if (!settledChat(tokens, chat)) return { chat, tokens: n, settled: false };
    if (ids.size >= MAX_BY_ID) ids.clear();
    ids.set(m.id, n);
  }
  const entry = { chat, encoding: tokens.encoding, tokens: n, settled: true as const };
  perRecord.set(m, entry);
  return entry;
}

/** The message window as the model sees it: chat messages, their token sum and how many there are. */
interface CompiledWindow {
  chat: ChatMessage[];
  tokens: number;
  count: number;
}

// A tool result whose call is in no earlier assistant message is dropped (orphan: see toChatMessages).
function compileWindow(tokens: TokenCounter, records: MessageRecord[]): CompiledWindow {
  const chat: ChatMessage[] = [];
  let sum = 0;
  let calls: Set<string> | null = null;
  for (const m of records) {
    if (m.role === "assistant" && m.toolCalls.length > 0) {
      calls ??= new Set();
      for (const c of m.toolCalls) calls.add(c.id);
    } else if (m.role === "tool" && !calls?.has(m.toolCallId ?? "")) continue;
    const r = recordTokens(tokens, m);
    sum += r.tokens;
    chat.push(r.chat);
  }
  return { chat, tokens: sum, count: chat.length };
}

/** One agent's last compiled window, so the next compile redoes only what follows the common prefix
 * (records are compared by identity; a record never changes once stored). */
export class WindowMemo {
  private encoding = "";
  private records: MessageRecord[] = [];
  private chat: ChatMessage[] = [];
  // sums[i] / counts[i]: token sum and chat-message count of the first i records.
  private sums: number[] = [0];
  private counts: number[] = [0];
  // Call id -> the first position of an assistant message with it (only positions still in `records`).
  private calls = new Map<string, number>();
  // The first position whose count was an upper bound (a long text not counted yet): sums from there on
  // are not reused.
  private unsettledAt = Number.POSITIVE_INFINITY;

  /** The window of `records`, reusing the previous compile's common prefix. */
  compile(tokens: TokenCounter, records: MessageRecord[]): CompiledWindow {
    const last = this.records;
    const n = Math.min(records.length, last.length);
    let p = 0;
    while (p < n && records[p] === last[p]) p++;
    p = Math.min(p, this.unsettledAt);
    this.unsettledAt = Number.POSITIVE_INFINITY;
    // A window that lost most of its prefix (eviction, reset) is rebuilt from scratch.
    if (tokens.encoding !== this.encoding || (p < last.length && p < last.length / 2)) {
      this.encoding = tokens.encoding;
      this.calls = new Map();
      p = 0;
    } else {
      // Forget the calls of records past the common prefix.
      for (let i = p; i < last.length; i++) {
        const m = last[i];
        if (m.role !== "assistant") continue;
        for (const c of m.toolCalls) if (this.calls.get(c.id) === i) this.calls.delete(c.id);
      }
    }
    this.records = records.slice();
    this.sums.length = p + 1;
    this.counts.length = p + 1;
    this.chat.length = this.counts[p];
    let sum = this.sums[p];
    for (let i = p; i < records.length; i++) {
      const m = records[i];
      let include = true;
      if (m.role === "assistant" && m.toolCalls.length > 0) {
        for (const c of m.toolCalls) if (!this.calls.has(c.id)) this.calls.set(c.id, i);
      } else if (m.role === "tool") {
        const at = this.calls.get(m.toolCallId ?? "");
        include = at !== undefined && at < i;
      }
      if (include) {
        const r = recordTokens(tokens, m);
        if (!r.settled && i < this.unsettledAt) this.unsettledAt = i;
        sum += r.tokens;
        this.chat.push(r.chat);
      }
      this.sums.push(sum);
      this.counts.push(this.chat.length);
    }
    return { chat: this.chat.slice(), tokens: sum, count: this.chat.length };
  }
}

// A tokenizer pre-split piece never runs from a newline into a following non-space character (cl100k and
// o200k patterns: newline runs are pieces of their own or end a punctuation piece), so counts of two texts
// joined there add up exactly. Elsewhere the texts are counted joined.
function safeBoundary(left: string, right: string): boolean {
  return left.endsWith("\n") && right.length > 0 && !/\s/.test(right[0]);
}

/** Tokens of the prompt's segments, split into the agent's own text, memory and open files; the sum is exact. */
function countPrompt(
  tokens: TokenCounter,
  segments: Array<{ text: string; part: PromptPart }>,
): Record<PromptPart, number> {
  const out: Record<PromptPart, number> = { system: 0, memory: 0, files: 0 };
  let i = 0;
  while (i < segments.length) {
    // Merge runs joined at unsafe boundaries; a mixed run's count goes to its parts by their own counts,
    // the agent's own text taking what is left (so the parts still add up to the run's exact count).
    let text = segments[i].text;
    const byPart: Record<PromptPart, string> = { system: "", memory: "", files: "" };
    byPart[segments[i].part] += segments[i].text;
    let j = i + 1;
    while (j < segments.length && !safeBoundary(text, segments[j].text)) {
      text += segments[j].text;
      byPart[segments[j].part] += segments[j].text;
      j++;
    }
    const n = tokens.count(text);
    const only = (["system", "memory", "files"] as const).find((p) => byPart[p] === text);
    if (only) out[only] += n;
    else {
      let left = n;
      for (const p of ["memory", "files"] as const) {
        if (!byPart[p]) continue;
        const m = Math.min(left, tokens.count(byPart[p]));
        out[p] += m;
        left -= m;
      }
      out.system += left;
    }
    i = j;
  }
  return out;
}

/** Compiles everything the model sees in one step, with an exact token breakdown. */
export function compileContext(input: CompileInput): CompiledContext {
  const { agent, tokens } = input;
  const segments = systemPromptSegments(input);
  const systemPrompt = segments.map((s) => s.text).join("");
  const systemMessage: ChatMessage = { role: "system", content: systemPrompt };
  const framing = countMessageTokens(tokens, { role: "system", content: "" });
  const prompt = countPrompt(tokens, segments);

  const messages: ChatMessage[] = [systemMessage];
  let summary = 0;
  if (agent.summary) {
    const hidden = "recall" in input.counts ? input.counts.recall : input.counts.recallMessages;
    const notice: ChatMessage = {
      role: "user",
      // Stamped with the oldest visible message's time, not `now`: the notice then stays the same text (and
      // its token count memoised) until the next eviction.
      content: summaryNoticeMessage(
        agent.summary,
        hidden,
        hidden + input.messages.length,
        input.messages[0]?.createdAt ?? input.now,
      ),
    };
    summary = countMessageTokens(tokens, notice);
    messages.push(notice);
  }
  const window = input.memo
    ? input.memo.compile(tokens, input.messages)
    : compileWindow(tokens, input.messages);
  for (const chat of window.chat) messages.push(chat);
  const windowTokens = window.tokens;
  const inWindow = window.count;
  const tools = countToolTokens(tokens, input.tools);
  const system = framing + prompt.system;
  return {
    messages,
    systemPrompt,
    breakdown: {
      contextWindow: input.contextWindow,
      total: system + prompt.memory + prompt.files + summary + windowTokens + tools,
      system,
      coreMemory: prompt.memory,
      files: prompt.files,
      summary,
      messages: windowTokens,
      tools,
      inContextMessages: inWindow,
      systemPrompt,
    },
  };
}
