// The recall and archival memory tools: conversation_search pages through every past message;
// archival_memory_insert files a passage (written with the step); archival_memory_search finds passages.
import { z } from "zod";
import { formatTime } from "../context/index.ts";
import { insertArchival, searchArchival, searchRecall, spokenText } from "../memory/index.ts";
import type { ToolDefinition } from "./types.ts";

const RECALL_PAGE_SIZE = 5;
const ARCHIVAL_PAGE_SIZE = 5;
// Enough hits to say how many there are without ranking the whole store.
const ARCHIVAL_DEPTH = 100;

function pageLine(page: number, size: number, shown: number, total: number): string {
  if (total === 0) return "No results found.";
  if (shown === 0)
    return `No results on page ${page}: there are ${total} results (${Math.ceil(total / size)} pages, from page 0).`;
  const first = page * size + 1;
  const more = first + shown - 1 < total ? `; call again with page=${page + 1} for more` : "";
  return `Showing ${first}-${first + shown - 1} of ${total} results, page ${page}${more}.`;
}

const page = z.number().int().min(0).optional().describe("Page of results to return, from 0 (default 0).");

const conversationSchema = z.object({
  query: z.string().describe("Words to search for in past messages (keyword and meaning match)."),
  start_date: z.string().optional().describe("Only messages on or after this date, YYYY-MM-DD."),
  end_date: z.string().optional().describe("Only messages on or before this date, YYYY-MM-DD."),
  page,
});

/** conversation_search: hybrid search over recall memory. */
export const conversationSearchTool: ToolDefinition<z.infer<typeof conversationSchema>> = {
  name: "conversation_search",
  description:
    "Search prior conversation history (recall memory) using hybrid keyword and semantic search. Use it to " +
    "recall what the user or you said earlier, including messages no longer in your context window.",
  schema: conversationSchema,
  toolType: "letta_core",
  async run(args, ctx) {
    const p = args.page ?? 0;
    const found = await searchRecall(
      { store: ctx.store, embedder: ctx.embedder, signal: ctx.signal },
      ctx.agent.id,
      {
        query: args.query,
        start: args.start_date,
        end: args.end_date,
        page: p,
        pageSize: RECALL_PAGE_SIZE,
        excludeRunId: ctx.runId,
      },
    );
    const results = found.results.map((m) => ({
      time: formatTime(m.createdAt),
      role: m.role,
      content: spokenText(m),
    }));
    return JSON.stringify({ summary: pageLine(p, RECALL_PAGE_SIZE, results.length, found.total), results });
  },
};

const insertSchema = z.object({
  content: z
    .string()
    .min(1)
    .describe("Content to write to the memory. All unicode (including emojis) are supported."),
  tags: z
    .array(z.string())
    .optional()
    .describe("Optional tags to file the passage under, e.g. ['project', 'todo']."),
});

/** archival_memory_insert: queues a passage for the step's commit. */
export const archivalMemoryInsertTool: ToolDefinition<z.infer<typeof insertSchema>> = {
  name: "archival_memory_insert",
  description:
    "Add to archival memory. Make sure to phrase the memory contextually, such that it can be retrieved " +
    "later. Use it for facts and details too long or too numerous to keep in core memory.",
  schema: insertSchema,
  toolType: "letta_core",
  async run(args, ctx) {
    const item = await insertArchival(
      { store: ctx.store, embedder: ctx.embedder, signal: ctx.signal },
      ctx.agent.id,
      args.content,
      args.tags ?? [],
      ctx.now,
    );
    ctx.writes.insertPassage(item.passage, item.embedding);
    const tags = item.passage.tags.length ? ` with tags ${item.passage.tags.join(", ")}` : "";
    return `Inserted into archival memory${tags} (${item.passage.id}).`;
  },
};

const archivalSearchSchema = z.object({
  query: z.string().describe("String to search for (keyword and meaning match)."),
  tags: z.array(z.string()).optional().describe("Only passages with these tags."),
  tag_match_mode: z
    .enum(["any", "all"])
    .optional()
    .describe("'any' (default): passages with at least one of the tags; 'all': passages with every tag."),
  page,
  start_datetime: z
    .string()
    .optional()
    .describe("Only passages created on or after this time (ISO or YYYY-MM-DD)."),
  end_datetime: z
    .string()
    .optional()
    .describe("Only passages created on or before this time (ISO or YYYY-MM-DD)."),
});

/** archival_memory_search: hybrid search over the agent's archival passages. */
export const archivalMemorySearchTool: ToolDefinition<z.infer<typeof archivalSearchSchema>> = {
  name: "archival_memory_search",
  description:
    "Search archival memory using hybrid keyword and semantic search. Results are paged, best first.",
  schema: archivalSearchSchema,
  toolType: "letta_core",
  async run(args, ctx) {
    const p = args.page ?? 0;
    const hits = await searchArchival(
      { store: ctx.store, embedder: ctx.embedder, signal: ctx.signal },
      {
        agentId: ctx.agent.id,
        tags: args.tags && args.tags.length > 0 ? args.tags : undefined,
        tagMatch: args.tag_match_mode ?? "any",
        start: args.start_datetime,
        end: args.end_datetime,
      },
      { query: args.query, limit: ARCHIVAL_DEPTH },
    );
    const shown = hits.slice(p * ARCHIVAL_PAGE_SIZE, (p + 1) * ARCHIVAL_PAGE_SIZE);
    const results = shown.map((h) => ({
      timestamp: formatTime(h.passage.createdAt),
      content: h.passage.text,
      tags: h.passage.tags,
    }));
    return JSON.stringify({
      summary: pageLine(p, ARCHIVAL_PAGE_SIZE, results.length, hits.length),
      results,
    });
  },
};
