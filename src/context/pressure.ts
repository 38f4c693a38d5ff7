// Memory pressure policy: when to warn the model, when to evict, and which messages go.
import type { AgentSettings, MessageRecord } from "../store/types.ts";

/**
 * Tokens kept free for the model's reply: eviction starts once the prompt reaches the window minus this
 * reserve, so the step that follows still has room to answer. 10% of the window, capped at 4,096 tokens
 * (a long reply with tool calls; small windows keep most of their room for the prompt).
 */
export function replyReserve(contextWindow: number): number {
  return Math.min(4096, Math.floor(contextWindow * 0.1));
}

/** The token counts at which the model is warned and at which eviction starts (what assessPressure uses). */
export function pressureThresholds(
  contextWindow: number,
  warnFraction: number,
): { warnAt: number; evictAt: number } {
  const fraction = warnFraction > 0 ? warnFraction : 0.75;
  return {
    warnAt: Math.floor(fraction * contextWindow),
    evictAt: contextWindow - replyReserve(contextWindow),
  };
}

/** "warn" once past warnFraction of the window (unless already warned), "evict" once the window is full. */
export function assessPressure(
  totalTokens: number,
  contextWindow: number,
  settings: AgentSettings,
  alreadyWarned: boolean,
): "ok" | "warn" | "evict" {
  if (totalTokens >= contextWindow - replyReserve(contextWindow)) return "evict";
  const warnFraction = settings.warnFraction > 0 ? settings.warnFraction : 0.75;
  if (!alreadyWarned && totalTokens > warnFraction * contextWindow) return "warn";
  return "ok";
}

/** A real user turn (not a heartbeat or system alert the kernel wrote). */
function isUserTurn(m: MessageRecord): boolean {
  return m.role === "user" && m.kind === null;
}

/** Whether keeping messages[cut..] leaves every kept tool result with its call, and no leading tool result. */
function validCut(messages: MessageRecord[], cut: number): boolean {
  if (cut >= messages.length || messages[cut].role === "tool") return false;
  const calls = new Set<string>();
  for (let i = cut; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === "assistant") for (const c of m.toolCalls) calls.add(c.id);
    else if (m.role === "tool" && m.toolCallId !== null && !calls.has(m.toolCallId)) return false;
  }
  return true;
}

/** The valid cut nearest to `target` within [1, limit]: the first at or after it, else the last before it. */
function findCut(messages: MessageRecord[], target: number, limit: number): number {
  for (let c = Math.max(target, 1); c <= limit; c++) if (validCut(messages, c)) return c;
  for (let c = Math.min(target - 1, limit); c >= 1; c--) if (validCut(messages, c)) return c;
  return -1;
}

/**
 * Splits the window into the oldest ≈fraction (evicted) and the rest (kept). A cut never separates a tool
 * call from its results, and the last user turn stays. When that turn alone fills the window (a long tool
 * chain), its user message stays and the oldest part of the chain after it goes. evicted=[] when nothing can go.
 */
export function planEviction(
  messages: MessageRecord[],
  fraction: number,
): { evicted: MessageRecord[]; kept: MessageRecord[] } {
  const n = messages.length;
  const none = { evicted: [], kept: messages };
  if (n < 2) return none;
  const share = fraction > 0 && fraction < 1 ? fraction : 0.5;
  const target = Math.max(1, Math.round(n * share));
  let lastUser = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (isUserTurn(messages[i])) {
      lastUser = i;
      break;
    }
  }
  const limit = lastUser >= 0 ? lastUser : n - 1;
  const chosen = findCut(messages, target, limit);
  if (chosen > 0) return { evicted: messages.slice(0, chosen), kept: messages.slice(chosen) };
  // Only the current turn is left: keep its user message, evict the oldest part of what followed it.
  if (lastUser < 0 || n - lastUser < 3) return none;
  const tail = messages.slice(lastUser + 1);
  const inner = planTail(tail, share);
  if (inner.evicted.length === 0) return none;
  return {
    evicted: [...messages.slice(0, lastUser), ...inner.evicted],
    kept: [messages[lastUser], ...inner.kept],
  };
}

function planTail(tail: MessageRecord[], share: number): { evicted: MessageRecord[]; kept: MessageRecord[] } {
  const target = Math.max(1, Math.round(tail.length * share));
  // Keep at least the last message (the newest result the model must react to).
  for (let c = target; c < tail.length; c++) {
    if (validCut(tail, c)) return { evicted: tail.slice(0, c), kept: tail.slice(c) };
  }
  for (let c = target - 1; c >= 1; c--) {
    if (validCut(tail, c)) return { evicted: tail.slice(0, c), kept: tail.slice(c) };
  }
  return { evicted: [], kept: tail };
}
