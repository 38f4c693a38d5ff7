// Shared pieces of the request schemas: path ids, cursor paging, nullable optionals (Letta's clients send
// `null` for "not set"), and the documented error body.
import { z } from "zod";
import { qInt } from "../read-input.ts";

/** An optional field that also accepts null (treated as absent). */
export const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

/** A free-form JSON object field. */
export const jsonObject = z.record(z.string(), z.unknown());

/** A path id; agents may also be addressed by name, so only emptiness and length are checked. */
export const pathId = z.string().min(1).max(300);

export const agentPath = z.object({ agent_id: pathId });
export const blockPath = z.object({ block_id: pathId });
export const toolPath = z.object({ tool_id: pathId });
export const folderPath = z.object({ folder_id: pathId });

/** Cursor paging as the Letta client sends it (the client pages with `after`/`before` ids). */
export function pageQuery(defaultLimit: number, defaultOrder: "asc" | "desc") {
  return z.object({
    before: z.string().min(1).optional(),
    after: z.string().min(1).optional(),
    limit: qInt(1, 1000).default(defaultLimit),
    order: z.enum(["asc", "desc"]).default(defaultOrder),
    order_by: z.string().optional(),
  });
}

/** The JSON body of every error. */
export const errorBodySchema = z.object({
  detail: z.string(),
  code: z.string(),
  message: z.string(),
});

/** Loose response objects: documented keys, more allowed. */
export const agentStateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  agent_type: z.string(),
  system: z.string(),
  llm_config: jsonObject,
  memory: z.looseObject({ blocks: z.array(jsonObject) }),
  blocks: z.array(jsonObject),
  tools: z.array(jsonObject),
  sources: z.array(jsonObject),
  tags: z.array(z.string()),
});
export const blockSchema = z.looseObject({ id: z.string(), label: z.string(), value: z.string() });
export const toolSchema = z.looseObject({ id: z.string(), name: z.string(), json_schema: jsonObject });
export const passageSchema = z.looseObject({ id: z.string(), text: z.string(), created_at: z.string() });
export const folderSchema = z.looseObject({ id: z.string(), name: z.string(), embedding_config: jsonObject });
export const fileSchema = z.looseObject({ id: z.string(), source_id: z.string(), file_name: z.string() });
export const lettaMessageSchema = z.looseObject({
  id: z.string(),
  date: z.string(),
  message_type: z.string(),
});
export const deletedSchema = z.object({ message: z.string() });
