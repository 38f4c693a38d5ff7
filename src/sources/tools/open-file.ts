// open_file / close_file: the model reads a window of a file (paged, with line numbers). The window
// is remembered as open-file state, so it also appears in the system prompt until closed. Like every
// tool write it commits with the step (ctx.writes): a step that fails or is cancelled opens nothing.
import { z } from "zod";
import type { ToolDefinition } from "../../tools/types.ts";
import { DEFAULT_OPEN_LINES, MAX_OPEN_FILES } from "../limits.ts";
import { qualifiedName, resolveAgentFile } from "./resolve-file.ts";
import { fileLines, fileWindow } from "./window.ts";

const openSchema = z.object({
  file_name: z.string().min(1).describe('File to open: "name.ext" or "folder/name.ext".'),
  offset: z.number().int().min(1).optional().describe("First line to show, 1-based (default 1)."),
  length: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe(`Number of lines to show (default ${DEFAULT_OPEN_LINES}).`),
});

/** Opens a file of an attached folder at a window of lines. */
export const openFileTool: ToolDefinition<z.infer<typeof openSchema>> = {
  name: "open_file",
  description:
    "Open a file from your attached folders and read a window of its lines (with line numbers). " +
    "Call again with a larger offset to page through it. The open window stays visible in your context.",
  schema: openSchema,
  toolType: "letta_files_core",
  async run(args, ctx) {
    const { file, source } = await resolveAgentFile(ctx.store, ctx.agent.id, args.file_name);
    const lines = fileLines(file.text, `${file.id}@${file.updatedAt}`);
    const window = fileWindow(lines, args.offset ?? 1, args.length ?? DEFAULT_OPEN_LINES);
    const shownLength = window.end - window.start + 1;
    ctx.writes.setFileWindow(file.id, { offset: window.start, length: shownLength });
    const open = await ctx.writes.openFiles();
    // Least recently opened first out, as Letta's max_files_open.
    const excess = open
      .filter((f) => f.fileId !== file.id)
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
      .slice(0, Math.max(0, open.length - MAX_OPEN_FILES));
    for (const f of excess) ctx.writes.setFileWindow(f.fileId, null);
    const name = qualifiedName(source, file);
    const more =
      window.end < window.totalLines
        ? ` Next: open_file(file_name="${name}", offset=${window.end + 1}).`
        : " End of file.";
    return `[${name}: lines ${window.start}-${window.end} of ${window.totalLines}.${more}]\n${window.text}`;
  },
};

const closeSchema = z.object({
  file_name: z.string().min(1).describe('File to close: "name.ext" or "folder/name.ext".'),
});

/** Closes an open file, removing its window from the context. */
export const closeFileTool: ToolDefinition<z.infer<typeof closeSchema>> = {
  name: "close_file",
  description: "Close a file you opened, removing its window from your context.",
  schema: closeSchema,
  toolType: "letta_files_core",
  async run(args, ctx) {
    const { file, source } = await resolveAgentFile(ctx.store, ctx.agent.id, args.file_name);
    const closed = (await ctx.writes.openFiles()).some((f) => f.fileId === file.id);
    if (closed) ctx.writes.setFileWindow(file.id, null);
    return closed ? `Closed ${qualifiedName(source, file)}.` : `${qualifiedName(source, file)} was not open.`;
  },
};
