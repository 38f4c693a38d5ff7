// Request schemas of tools and folders (documents).
import { z } from "zod";
import { qBool, qList } from "../read-input.ts";
import { jsonObject, opt, pageQuery, pathId } from "./common.ts";

/** ToolCreateParams / ToolUpsertParams. */
export const toolBody = z.object({
  source_code: z.string().min(1),
  source_type: opt(z.string()),
  json_schema: opt(jsonObject),
  args_json_schema: opt(jsonObject),
  description: opt(z.string()),
  tags: opt(z.array(z.string())),
  return_char_limit: opt(z.number().int().positive()),
  /** lmos's own: limits and grants of this tool's sandbox, over the server's defaults. */
  sandbox: opt(
    z.object({
      timeout_ms: opt(z.number().int().positive()),
      memory_mb: opt(z.number().int().positive()),
      network: opt(z.boolean()),
      allowed_hosts: opt(z.array(z.string().min(1).max(300)).max(100)),
      filesystem: opt(z.object({ path: z.string().min(1).max(4_096), mode: opt(z.enum(["ro", "rw"])) })),
    }),
  ),
  default_requires_approval: opt(z.boolean()),
});

/** ToolUpdateParams. */
export const updateToolBody = toolBody.partial();

export const listToolsQuery = pageQuery(50, "asc").extend({
  name: z.string().optional(),
  names: qList.optional(),
  search: z.string().optional(),
});

export const agentToolPath = z.object({ agent_id: pathId, tool_id: pathId });
export const agentToolNamePath = z.object({ agent_id: pathId, tool_name: z.string().min(1).max(200) });
/** PATCH …/tools/approval/{tool_name}: the flag in the body (Letta), the 1.x client's body key, or the query. */
export const approvalBody = z.looseObject({
  requires_approval: opt(z.boolean()),
  body_requires_approval: opt(z.boolean()),
});
export const approvalQuery = z.object({ requires_approval: qBool.optional() });
export const agentFolderPath = z.object({ agent_id: pathId, folder_id: pathId });
export const folderFilePath = z.object({ folder_id: pathId, file_id: pathId });

/** FolderCreateParams. */
export const createFolderBody = z.object({
  name: z.string().min(1).max(200),
  description: opt(z.string()),
  instructions: opt(z.string()),
  embedding: opt(z.string()),
  embedding_config: opt(z.looseObject({ handle: opt(z.string()) })),
  embedding_chunk_size: opt(z.number().int().positive()),
  metadata: opt(jsonObject),
});

/** FolderUpdateParams. */
export const updateFolderBody = z.object({
  name: opt(z.string().min(1).max(200)),
  description: opt(z.string()),
  instructions: opt(z.string()),
  metadata: opt(jsonObject),
});

export const listFoldersQuery = pageQuery(50, "asc").extend({ name: z.string().optional() });
export const listFilesQuery = pageQuery(100, "asc").extend({ include_content: qBool.optional() });
export const retrieveFileQuery = z.object({ include_content: qBool.optional() });
export const uploadQuery = z.object({
  duplicate_handling: z.enum(["skip", "error", "suffix", "replace"]).optional(),
  name: z.string().min(1).max(500).optional(),
});
