// Text the CLI prints: numbers, the context-usage line and breakdown, blocks, agents and passages.
import type { CliAgent, CliBlock, CliContext, CliPassage } from "./backend/types.ts";

/** 3412 → "3,412"; null → "?". */
export function int(n: number | null | undefined): string {
  return n == null ? "?" : Math.round(n).toLocaleString("en-US");
}

function percent(part: number | null, whole: number | null): string | null {
  if (part == null || !whole) return null;
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** `context 3,412 / 128,000 tokens (2.7%) · 14 messages in window · 230 in recall` (unknown parts left out). */
export function contextLine(c: CliContext): string {
  const pct = percent(c.total, c.contextWindow);
  const parts = [`context ${int(c.total)} / ${int(c.contextWindow)} tokens${pct ? ` (${pct})` : ""}`];
  if (c.inContextMessages != null) parts.push(`${int(c.inContextMessages)} messages in window`);
  if (c.recallMessages != null) parts.push(`${int(c.recallMessages)} in recall`);
  return parts.join(" · ");
}

/** Where the window's tokens go, one row per part. */
export function contextBreakdown(c: CliContext): string {
  const rows: Array<[string, number | null]> = [
    ["system prompt", c.system],
    ["core memory", c.coreMemory],
    ["open files", c.files],
    ["summary", c.summary],
    ["messages", c.messages],
    ["tool schemas", c.tools],
  ];
  const width = Math.max(
    ...[...rows.map(([, v]) => int(v)), int(c.total), int(c.contextWindow)].map((s) => s.length),
  );
  const row = (label: string, v: number | null, pct = true) => {
    const p = pct ? percent(v, c.contextWindow) : null;
    return `  ${label.padEnd(14)} ${int(v).padStart(width)}${p ? `  ${p.padStart(6)}` : ""}`;
  };
  const lines = [
    row("context window", c.contextWindow, false),
    ...rows.map(([label, v]) => row(label, v)),
    row("total", c.total),
    `  ${[
      `${int(c.inContextMessages)} messages in window`,
      `${int(c.recallMessages)} in recall`,
      `${int(c.archivalPassages)} archival passages`,
    ].join(" · ")}`,
  ];
  return lines.join("\n");
}

/** Core memory blocks with their sizes and values. */
export function blocksText(blocks: CliBlock[]): string {
  if (blocks.length === 0) return "(no memory blocks)";
  return blocks
    .map(
      (b) =>
        `[${b.label}] ${int(b.value.length)}${b.limit != null ? ` / ${int(b.limit)}` : ""} chars\n${b.value}`,
    )
    .join("\n\n");
}

/** A padded table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** `lmos agents list` as a table. */
export function agentsTable(agents: CliAgent[]): string {
  if (agents.length === 0)
    return "no agents yet: create one with `lmos agents create --name <name>` or start `lmos chat`";
  return table(
    ["ID", "NAME", "MODEL", "BLOCKS"],
    agents.map((a) => [a.id, a.name, a.model, a.blocks.map((b) => b.label).join(",")]),
  );
}

/** `lmos agents show`: the agent, its tools and its memory. */
export function agentText(a: CliAgent): string {
  const lines = [
    `${a.name} (${a.id})`,
    `  model      ${a.model}${a.contextWindow ? ` · ${int(a.contextWindow)} token window` : ""}`,
    `  embedding  ${a.embedding ?? "none (lexical search)"}`,
  ];
  if (a.description) lines.push(`  about      ${a.description}`);
  if (a.tags.length) lines.push(`  tags       ${a.tags.join(", ")}`);
  lines.push(`  tools      ${a.tools.join(", ") || "(none)"}`);
  if (a.sources.length) lines.push(`  sources    ${a.sources.join(", ")}`);
  if (a.createdAt) lines.push(`  created    ${a.createdAt}`);
  return `${lines.join("\n")}\n\n${blocksText(a.blocks)}`;
}

/** Archival passages, best first, each with its tags and score when known. */
export function passagesText(passages: CliPassage[]): string {
  if (passages.length === 0) return "no matching passages";
  return passages
    .map((p) => {
      const meta = [
        p.tags.length ? `tags: ${p.tags.join(", ")}` : null,
        p.score !== undefined ? `score ${p.score.toFixed(3)}` : null,
      ].filter(Boolean);
      return `${p.id}${meta.length ? `  (${meta.join(" · ")})` : ""}\n${p.text.replace(/^/gm, "  ")}`;
    })
    .join("\n\n");
}

/** Tool arguments shortened for one line: `label="human", content="Ada likes…"`. */
export function shortArgs(args: string, max = 100): string {
  let text: string;
  try {
    const parsed = JSON.parse(args) as Record<string, unknown>;
    text = Object.entries(parsed)
      .filter(([k]) => k !== "request_heartbeat")
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(", ");
  } catch {
    text = args;
  }
  text = text.replace(/\s+/g, " ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
