// search_files: hybrid (BM25 + vectors when embedded) search over the passages of attached files;
// each hit names its file and line range so the model can open_file there and cite it.
import { z } from "zod";
import type { ToolDefinition } from "../../tools/types.ts";
import { searchSourcePassages } from "../search.ts";

const schema = z.object({
  query: z.string().min(1).describe("What to look for, in words."),
  limit: z.number().int().min(1).max(20).optional().describe("Number of passages (default 5)."),
});

/** Searches the passages of the agent's attached files. */
export const searchFilesTool: ToolDefinition<z.infer<typeof schema>> = {
  name: "search_files",
  description:
    "Search the contents of your attached files by meaning and keywords. Returns the best passages, " +
    "each with its file name and line range (use open_file to read more around it).",
  schema,
  toolType: "letta_files_core",
  async run(args, ctx) {
    const sources = await ctx.store.agentSources(ctx.agent.id);
    if (sources.length === 0) return "No folders are attached to you, so there is nothing to search.";
    const byId = new Map(sources.map((s) => [s.id, s]));
    // Vectors only where the source was embedded with the same model as the agent's embedder.
    const embedded = ctx.embedder ? sources.filter((s) => s.embedding === ctx.embedder?.handle) : [];
    const lexicalOnly = sources.filter((s) => !embedded.includes(s));
    const limit = args.limit ?? 5;
    // Two groups rank on different scales: merge them by rank, not by score.
    const byRank = (list: Awaited<ReturnType<typeof searchSourcePassages>>) =>
      list.map((h, rank) => ({ ...h, score: 1 / (60 + rank + 1) }));
    const hits = [
      ...(embedded.length > 0
        ? byRank(
            await searchSourcePassages(
              ctx.store,
              embedded.map((s) => s.id),
              args.query,
              {
                limit,
                embedder: ctx.embedder,
                signal: ctx.signal,
              },
            ),
          )
        : []),
      ...(lexicalOnly.length > 0
        ? byRank(
            await searchSourcePassages(
              ctx.store,
              lexicalOnly.map((s) => s.id),
              args.query,
              { limit },
            ),
          )
        : []),
    ]
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
    if (hits.length === 0) return `No passages match "${args.query}".`;
    return hits
      .map(({ passage }, i) => {
        const m = passage.metadata as { file_name?: string; start_line?: number; end_line?: number };
        const source = byId.get(passage.sourceId ?? "")?.name ?? "?";
        return `[${i + 1}] ${source}/${m.file_name} lines ${m.start_line}-${m.end_line}\n${passage.text}`;
      })
      .join("\n\n");
  },
};
