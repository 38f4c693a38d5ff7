// Request schemas of core memory blocks (agent-scoped and standalone) and archival passages.
import { z } from "zod";
import { qBool, qInt, qList } from "../read-input.ts";
import { jsonObject, opt, pageQuery, pathId } from "./common.ts";
import { createBlockSchema } from "./agents.ts";

export const agentBlockPath = z.object({ agent_id: pathId, block_label: z.string().min(1).max(100) });
export const agentBlockIdPath = z.object({ agent_id: pathId, block_id: pathId });
export const agentPassagePath = z.object({ agent_id: pathId, passage_id: pathId });

/** BlockUpdate. */
export const updateBlockBody = z.object({
  label: opt(z.string().min(1).max(100)),
  value: opt(z.string()),
  limit: opt(z.number().int().positive()),
  description: opt(z.string()),
  read_only: opt(z.boolean()),
  metadata: opt(jsonObject),
  tags: opt(z.array(z.string())),
});

/** CreateBlock for POST /v1/blocks/. */
export const createBlockBody = createBlockSchema;

/** Query of GET /v1/blocks/. */
export const listBlocksQuery = pageQuery(50, "asc").extend({
  label: z.string().optional(),
  tags: qList.optional(),
});

/** POST /v1/agents/{id}/archival-memory. */
export const insertPassageBody = z.object({
  text: z.string().min(1, "the passage is empty"),
  tags: opt(z.array(z.string())),
  created_at: opt(z.string()),
});

/** Query of GET /v1/agents/{id}/archival-memory (Letta: oldest first unless ascending=false). */
export const listPassagesQuery = z.object({
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
  limit: qInt(1, 1000).default(100),
  search: z.string().optional(),
  ascending: qBool.default(true),
});

/** Query of GET /v1/agents/{id}/archival-memory/search. */
export const searchPassagesQuery = z.object({
  query: z.string().min(1),
  tags: qList.optional(),
  tag_match_mode: z.enum(["any", "all"]).default("any"),
  top_k: qInt(1, 1000).optional(),
  start_datetime: z.string().optional(),
  end_datetime: z.string().optional(),
});

export type UpdateBlockBody = z.infer<typeof updateBlockBody>;
