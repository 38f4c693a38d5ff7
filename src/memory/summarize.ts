// The recursive summary (MemGPT): evicted messages are folded, together with the previous summary, into a
// new summary by the agent's own model. One chat call without tools; if the model returns nothing, a
// truncated transcript stands in, so an eviction never loses the evicted facts outright.
import type { Provider } from "../llm/types.ts";
import { messageText } from "../store/index.ts";
import type { MessageRecord } from "../store/types.ts";

/** Letta's clip_chars default, and its truncation suffix. */
export const SUMMARY_MAX_CHARS = 50_000;
const TRUNCATED = "... [summary truncated to fit]";
// One long tool result must not crowd out the rest of the transcript.
const PER_MESSAGE_CHARS = 2_000;

const INSTRUCTIONS = [
  "You maintain the long-term summary of a conversation between an AI agent and a user.",
  "Older messages are being removed from the agent's context window. Write a new summary that folds the",
  "previous summary and the removed messages together, so the agent can continue as if it still saw them.",
  "Keep every concrete fact: names, numbers, codes, dates, places, preferences, decisions, commitments, open",
  "questions and the outcomes of tool calls. Drop greetings and filler. Write in the third person, as compact",
  "notes, oldest first. Reply with the summary only.",
].join(" ");

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** One transcript line per message (heartbeats are left out: they carry no content). */
function transcriptLine(m: MessageRecord): string | null {
  if (m.kind === "heartbeat") return null;
  const text = messageText(m);
  const time = m.createdAt.slice(0, 16).replace("T", " ");
  if (m.role === "tool") return `[${time}] tool ${m.name ?? ""} returned: ${clip(text, PER_MESSAGE_CHARS)}`;
  if (m.role === "assistant") {
    const calls = m.toolCalls.map((c) => `${c.name}(${clip(c.arguments, PER_MESSAGE_CHARS)})`);
    const said = text ? `said: ${clip(text, PER_MESSAGE_CHARS)}` : "";
    const called = calls.length ? `called ${calls.join(", ")}` : "";
    return `[${time}] assistant ${[said, called].filter(Boolean).join("; ")}`;
  }
  const who = m.kind ? `system (${m.kind})` : "user";
  return `[${time}] ${who}: ${clip(text, PER_MESSAGE_CHARS)}`;
}

/** The evicted messages as a plain transcript, oldest first. */
export function transcript(messages: MessageRecord[]): string {
  return messages.flatMap((m) => transcriptLine(m) ?? []).join("\n");
}

function fitSummary(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return text.slice(0, Math.max(0, maxChars - TRUNCATED.length)) + TRUNCATED;
}

/** Folds `previousSummary` and `messages` into a new summary with one model call (no tools). */
export async function summarizeMessages(
  provider: Provider,
  model: string,
  previousSummary: string,
  messages: MessageRecord[],
  options: { signal?: AbortSignal; maxChars?: number } = {},
): Promise<string> {
  const maxChars = options.maxChars ?? SUMMARY_MAX_CHARS;
  const lines = transcript(messages);
  const prompt = [
    "Previous summary:",
    previousSummary.trim() || "(none yet)",
    "",
    `Messages being removed (${messages.length}):`,
    lines || "(no content)",
    "",
    "Write the new summary now.",
  ].join("\n");
  const response = await provider.chat(
    {
      model,
      messages: [
        { role: "system", content: INSTRUCTIONS },
        { role: "user", content: prompt },
      ],
    },
    { signal: options.signal },
  );
  const text = response.text.trim();
  if (text) return fitSummary(text, maxChars);
  const fallback = [previousSummary.trim(), lines].filter(Boolean).join("\n");
  return fitSummary(fallback, maxChars);
}
