// Request schemas of /v1/agents: create, modify, list.
import { z } from "zod";
import { qBool, qList } from "../read-input.ts";
import { lettaToolRuleSchema } from "../letta/tool-rules.ts";
import { jsonObject, opt, pageQuery } from "./common.ts";

/** A memory block given inline (CreateBlock). */
export const createBlockSchema = z.object({
  label: z.string().min(1).max(100),
  value: z.string(),
  limit: opt(z.number().int().positive()),
  description: opt(z.string()),
  read_only: opt(z.boolean()),
  metadata: opt(jsonObject),
  tags: opt(z.array(z.string())),
});

const llmConfigInput = z.looseObject({
  handle: opt(z.string()),
  model: opt(z.string()),
  model_endpoint_type: opt(z.string()),
  context_window: opt(z.number().int().positive()),
});
const embeddingConfigInput = z.looseObject({
  handle: opt(z.string()),
  embedding_model: opt(z.string()),
  embedding_endpoint_type: opt(z.string()),
});

const agentFields = {
  name: opt(z.string().min(1).max(200)),
  description: opt(z.string()),
  tags: opt(z.array(z.string())),
  metadata: opt(jsonObject),
  system: opt(z.string().min(1)),
  model: opt(z.string().min(1)),
  embedding: opt(z.string().min(1)),
  llm_config: opt(llmConfigInput),
  embedding_config: opt(embeddingConfigInput),
  context_window_limit: opt(z.number().int().min(256)),
  block_ids: opt(z.array(z.string().min(1))),
  tool_ids: opt(z.array(z.string().min(1))),
  folder_ids: opt(z.array(z.string().min(1))),
  source_ids: opt(z.array(z.string().min(1))),
  timezone: opt(z.string()),
  // Letta's tool environment (secrets; tool_exec_environment_variables is its deprecated name).
  secrets: opt(z.record(z.string(), z.string())),
  tool_exec_environment_variables: opt(z.record(z.string(), z.string())),
  tool_rules: opt(z.array(lettaToolRuleSchema)),
  enable_sleeptime: opt(z.boolean()),
};

/** AgentCreateParams (the subset lmos acts on; other keys are accepted and ignored). */
export const createAgentBody = z.object({
  ...agentFields,
  agent_type: opt(z.string().min(1)),
  memory_blocks: opt(z.array(createBlockSchema)),
  tools: opt(z.array(z.string().min(1))),
  include_base_tools: opt(z.boolean()),
  include_multi_agent_tools: opt(z.boolean()),
});

/** AgentUpdateParams. */
export const updateAgentBody = z.object(agentFields);

/** Query of GET /v1/agents/. */
export const listAgentsQuery = pageQuery(50, "desc").extend({
  name: z.string().optional(),
  tags: qList.optional(),
  match_all_tags: qBool.optional(),
  query_text: z.string().optional(),
  include: qList.optional(),
});

/** Query of GET /v1/agents/{id} (`include` is accepted; relations are always included). */
export const retrieveAgentQuery = z.object({ include: qList.optional() });

export type CreateAgentBody = z.infer<typeof createAgentBody>;
export type UpdateAgentBody = z.infer<typeof updateAgentBody>;
