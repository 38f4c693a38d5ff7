// Core memory as the model sees it: Letta's <memory_blocks> rendering (letta/schemas/memory.py), extra
// sections from other layers (open files), and <memory_metadata>, placed into the agent's system text.
// The prompt is also produced as segments that join at tokenizer piece boundaries, so its token count is
// the sum of memoised segment counts (see compile.ts) instead of a re-tokenisation every step.
import type { AgentRecord, BlockRecord } from "../store/types.ts";
import { formatTime } from "./time.ts";

export const CORE_MEMORY_PLACEHOLDER = "{CORE_MEMORY}";

/** Counts for <memory_metadata>; both spellings are accepted (the kernel uses the long one). */
export type MemoryCounts =
  | { recall: number; archival: number; archivalTags: string[] }
  | { recallMessages: number; archivalPassages: number; archivalTags: string[] };

/** A section another layer adds after core memory: plain text, or named text. */
export type ExtraSection = string | { name: string; text: string };

/** What a prompt segment is, for the token breakdown: the agent's own text, memory, or open files. */
export type PromptPart = "system" | "memory" | "files";

/** The extra section that shows open files (sources' context extension): counted apart from memory. */
export const FILES_SECTION = "files";

const HEADER =
  "<memory_blocks>\nThe following memory blocks are currently engaged in your core memory unit:\n\n";

function renderBlock(block: BlockRecord): string {
  const meta = [
    ...(block.readOnly ? ["- read_only=true"] : []),
    `- chars_current=${block.value.length}`,
    `- chars_limit=${block.limit}`,
  ];
  return [
    `<${block.label}>`,
    "<description>",
    block.description ?? "",
    "</description>",
    "<metadata>",
    ...meta,
    "</metadata>",
    "<value>",
    block.value,
    "</value>",
    `</${block.label}>`,
  ].join("\n");
}

/** The <memory_blocks> segments: header, one per block, footer (joined they are renderCoreMemory). */
function coreMemorySegments(blocks: BlockRecord[]): string[] {
  if (blocks.length === 0) return [];
  return [HEADER, ...blocks.map((b) => `${renderBlock(b)}\n\n`), "</memory_blocks>"];
}

/** Letta's <memory_blocks> text: each block with description, read_only/chars_current/chars_limit and value. */
export function renderCoreMemory(blocks: BlockRecord[]): string {
  return coreMemorySegments(blocks).join("");
}

function normaliseCounts(counts: MemoryCounts): { recall: number; archival: number; tags: string[] } {
  if ("recall" in counts)
    return { recall: counts.recall, archival: counts.archival, tags: counts.archivalTags };
  return { recall: counts.recallMessages, archival: counts.archivalPassages, tags: counts.archivalTags };
}

/** The <memory_metadata> section: time, last memory edit, recall and archival sizes, archival tags. */
export function renderMemoryMetadata(agent: AgentRecord, counts: MemoryCounts, now: string): string {
  const c = normaliseCounts(counts);
  const lines = [
    "<memory_metadata>",
    `- The current system date is: ${formatTime(now, { minutes: true })}`,
    `- Memory blocks were last modified: ${agent.memoryEditedAt ? formatTime(agent.memoryEditedAt) : "never"}`,
    `- ${c.recall} previous messages between you and the user are stored in recall memory (use tools to access them)`,
  ];
  if (c.archival > 0) {
    lines.push(
      `- ${c.archival} total memories you created are stored in archival memory (use tools to access them)`,
    );
  }
  if (c.tags.length > 0) lines.push(`- Available archival memory tags: ${c.tags.join(", ")}`);
  lines.push("</memory_metadata>");
  return lines.join("\n");
}

export interface SystemPromptInput {
  agent: AgentRecord;
  blocks: BlockRecord[];
  counts: MemoryCounts;
  now: string;
  extraSections?: ExtraSection[];
}

/** The compiled system prompt as segments, tagged by what they are (their join is the prompt). */
export function systemPromptSegments(input: SystemPromptInput): Array<{ text: string; part: PromptPart }> {
  const memory: Array<{ text: string; part: PromptPart }> = coreMemorySegments(input.blocks).map((text) => ({
    text,
    part: "memory",
  }));
  for (const s of input.extraSections ?? []) {
    const text = (typeof s === "string" ? s : s.text).trim();
    const part = typeof s !== "string" && s.name === FILES_SECTION ? "files" : "memory";
    if (text.length > 0) memory.push({ text, part });
  }
  memory.push({ text: renderMemoryMetadata(input.agent, input.counts, input.now), part: "memory" });
  // Sections are separated by a blank line; the separator ends the segment before it.
  const memorySegs = memory.map(({ text, part }, i) => {
    const next = memory[i + 1];
    const needsGap = next !== undefined && !text.endsWith("\n\n");
    return { text: needsGap ? `${text}\n\n` : text, part };
  });
  // The metadata's first lines carry the time, which changes every minute; the rest changes rarely.
  const metadata = memorySegs.pop()!.text;
  const cut = metadata.indexOf("\n", metadata.indexOf("\n") + 1) + 1;
  memorySegs.push(
    { text: metadata.slice(0, cut), part: "memory" },
    { text: metadata.slice(cut), part: "memory" },
  );
  const system = input.agent.system;
  const at = system.indexOf(CORE_MEMORY_PLACEHOLDER);
  if (at < 0) {
    const head = system.length > 0 ? [{ text: `${system}\n\n`, part: "system" as const }] : [];
    return [...head, ...memorySegs];
  }
  const before = system.slice(0, at);
  const after = system.slice(at + CORE_MEMORY_PLACEHOLDER.length).replaceAll(CORE_MEMORY_PLACEHOLDER, "");
  return [
    ...(before ? [{ text: before, part: "system" as const }] : []),
    ...memorySegs,
    ...(after ? [{ text: after, part: "system" as const }] : []),
  ];
}

/** The agent's system text with {CORE_MEMORY} replaced (or, absent, appended after a blank line). */
export function compileSystemPrompt(input: SystemPromptInput): string {
  return systemPromptSegments(input)
    .map((s) => s.text)
    .join("");
}
