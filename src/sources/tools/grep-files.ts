// grep_files: a regular expression over one file or every attached file, with context lines, paged.
import { z } from "zod";
import { ToolError, type ToolDefinition } from "../../tools/types.ts";
import { matchingLines } from "./regex-lines.ts";
import { type AgentFile, agentFiles, qualifiedName, resolveAgentFile } from "./resolve-file.ts";
import { fileLines, numberedLine } from "./window.ts";

const MATCHES_PER_PAGE = 20;

const schema = z.object({
  pattern: z.string().min(1).max(500).describe("JavaScript regular expression, e.g. 'refund|return policy'."),
  file_name: z.string().optional().describe("Search only this file; all attached files when omitted."),
  context_lines: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe("Lines shown before and after each match (default 2)."),
  case_sensitive: z.boolean().optional().describe("Match case exactly (default false)."),
  page: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`Page of results, ${MATCHES_PER_PAGE} matches each (default 1).`),
});

interface Match {
  target: AgentFile;
  /** 1-based. */
  line: number;
  /** The file's lines, and the 1-based numbers of all its matching lines (shared by its matches). */
  lines: string[];
  hits: Set<number>;
}

/** The flags of the search, once the pattern is known to compile (a precise error otherwise). */
function checkedFlags(pattern: string, caseSensitive: boolean): string {
  const flags = caseSensitive ? "" : "i";
  try {
    new RegExp(pattern, flags);
    return flags;
  } catch (e) {
    throw new ToolError(`Invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** Searches attached files for lines matching a regular expression. */
export const grepFilesTool: ToolDefinition<z.infer<typeof schema>> = {
  name: "grep_files",
  description:
    "Search your attached files for lines matching a regular expression. Returns matching lines with " +
    "line numbers and surrounding context, paged; use open_file to read around a match.",
  schema,
  toolType: "letta_files_core",
  async run(args, ctx) {
    const flags = checkedFlags(args.pattern, args.case_sensitive ?? false);
    const targets = args.file_name
      ? [await resolveAgentFile(ctx.store, ctx.agent.id, args.file_name)]
      : await agentFiles(ctx.store, ctx.agent.id);
    if (targets.length === 0) return "No files to search: no folder with files is attached to you.";
    const allLines = targets.map((t) => fileLines(t.file.text));
    const hits = await matchingLines(args.pattern, flags, allLines);
    const matches: Match[] = targets.flatMap((target, f) => {
      const numbers = hits[f].map((i) => i + 1);
      const shared = { target, lines: allLines[f], hits: new Set(numbers) };
      return numbers.map((line) => ({ ...shared, line }));
    });
    if (matches.length === 0) return `No matches for /${args.pattern}/ in ${targets.length} file(s).`;
    const pages = Math.ceil(matches.length / MATCHES_PER_PAGE);
    const page = args.page ?? 1;
    if (page > pages)
      throw new ToolError(`Page ${page} does not exist; there are ${pages} page(s) of matches.`);
    const shown = matches.slice((page - 1) * MATCHES_PER_PAGE, page * MATCHES_PER_PAGE);
    const context = args.context_lines ?? 2;
    const files = new Set(matches.map((m) => m.target.file.id)).size;
    const out = [
      `${matches.length} match(es) in ${files} file(s); page ${page} of ${pages}.` +
        (page < pages ? ` Next: grep_files(..., page=${page + 1}).` : ""),
    ];
    let lastFile = "";
    let lastLine = 0;
    for (const m of shown) {
      const { lines } = m;
      const name = qualifiedName(m.target.source, m.target.file);
      const from = Math.max(1, m.line - context);
      const to = Math.min(lines.length, m.line + context);
      if (name !== lastFile) {
        out.push(`== ${name} ==`);
        lastLine = 0;
      } else if (from > lastLine + 1) out.push("--");
      for (let no = Math.max(from, lastLine + 1); no <= to; no++) {
        const marker = m.hits.has(no) ? ">" : " ";
        out.push(`${marker}${numberedLine(no, lines[no - 1])}`);
      }
      lastFile = name;
      lastLine = Math.max(lastLine, to);
    }
    return out.join("\n");
  },
};
