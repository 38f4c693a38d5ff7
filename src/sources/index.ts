// Documents: parse, chunk and ingest files into sources; the file tools and open-files context section.
import { closeFileTool, openFileTool } from "./tools/open-file.ts";
import { grepFilesTool } from "./tools/grep-files.ts";
import { searchFilesTool } from "./tools/search-files.ts";
import type { ToolDefinition } from "../tools/types.ts";

export { type Chunk, type ChunkOptions, chunkText, estimateTokens } from "./chunk.ts";
export { checkFileName, type DocumentKind, detectKind, looksBinary } from "./file-type.ts";
export { createFilesContextExtension, type FilesContextExtension } from "./files-context.ts";
export { htmlToText } from "./html.ts";
export { ingestDocument, type IngestOptions, type IngestOutcome, type IngestProgress } from "./ingest.ts";
export * from "./limits.ts";
export { type ParsedDocument, parseDocument } from "./parse.ts";
export { contentHash, type DocumentInput, inputSize, readInput } from "./read-input.ts";
export { type ScoredSourcePassage, searchSourcePassages } from "./search.ts";
export { closeFileTool, grepFilesTool, openFileTool, searchFilesTool };

/** The tools (tool_type "letta_files_core") a model uses on its attached folders. */
export const fileTools: ToolDefinition[] = [openFileTool, closeFileTool, grepFilesTool, searchFilesTool];
