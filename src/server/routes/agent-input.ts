// Letta's agent create/modify bodies → the runtime's CreateAgentInput / UpdateAgentInput.
import type { AgentSettings } from "../../store/types.ts";
import type { CreateAgentInput, UpdateAgentInput } from "../../runtime/types.ts";
import { toolRulesFromLetta } from "../letta/tool-rules.ts";
import type { CreateAgentBody, UpdateAgentBody } from "../schemas/agents.ts";

const undef = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

// Letta's agent types differ in how the loop continues and how replies reach the user.
const SETTINGS_BY_TYPE: Record<string, Partial<AgentSettings>> = {
  letta_v1_agent: { heartbeats: false, replyMode: "text" },
  react_agent: { heartbeats: false, replyMode: "text" },
  memgpt_agent: { heartbeats: true, replyMode: "send_message" },
  memgpt_v2_agent: { heartbeats: true, replyMode: "send_message" },
};

function modelOf(body: CreateAgentBody | UpdateAgentBody): string | undefined {
  if (body.model) return body.model;
  const c = body.llm_config;
  if (c?.handle) return c.handle;
  if (c?.model && c.model_endpoint_type) return `${c.model_endpoint_type}/${c.model}`;
  return undefined;
}

function embeddingOf(body: CreateAgentBody | UpdateAgentBody): string | undefined {
  if (body.embedding) return body.embedding;
  const c = body.embedding_config;
  if (c?.handle) return c.handle;
  if (c?.embedding_model && c.embedding_endpoint_type)
    return `${c.embedding_endpoint_type}/${c.embedding_model}`;
  return undefined;
}

// `secrets` wins over its deprecated name when a client sends both.
function secretsOf(body: CreateAgentBody | UpdateAgentBody): Record<string, string> | undefined {
  return undef(body.secrets) ?? undef(body.tool_exec_environment_variables);
}

/** CreateAgentInput from AgentCreateParams. */
export function createAgentInput(body: CreateAgentBody): CreateAgentInput {
  const agentType = undef(body.agent_type);
  const settings = agentType ? SETTINGS_BY_TYPE[agentType] : undefined;
  const tools = [...(body.tools ?? []), ...(body.tool_ids ?? [])];
  const sources = [...(body.folder_ids ?? []), ...(body.source_ids ?? [])];
  const input: CreateAgentInput = {
    name: undef(body.name),
    description: undef(body.description),
    system: undef(body.system),
    agentType,
    model: modelOf(body),
    embedding: embeddingOf(body),
    contextWindow: undef(body.context_window_limit) ?? undef(body.llm_config?.context_window),
    memoryBlocks: body.memory_blocks?.map((b) => ({
      label: b.label,
      value: b.value,
      limit: undef(b.limit),
      description: undef(b.description),
      readOnly: undef(b.read_only),
      metadata: undef(b.metadata),
      tags: undef(b.tags),
    })),
    blockIds: undef(body.block_ids),
    tools: tools.length ? tools : undefined,
    includeBaseTools: undef(body.include_base_tools),
    includeMultiAgentTools: undef(body.include_multi_agent_tools),
    enableSleeptime: undef(body.enable_sleeptime),
    sourceIds: sources.length ? sources : undefined,
    tags: undef(body.tags),
    metadata: undef(body.metadata),
    settings,
    secrets: secretsOf(body),
    toolRules: body.tool_rules ? toolRulesFromLetta(body.tool_rules) : undefined,
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as CreateAgentInput;
}

/** UpdateAgentInput from AgentUpdateParams (relations are handled by the route). */
export function updateAgentInput(body: UpdateAgentBody): UpdateAgentInput {
  const input: UpdateAgentInput = {
    name: undef(body.name),
    description: undef(body.description),
    system: undef(body.system),
    model: modelOf(body),
    embedding: embeddingOf(body),
    contextWindow: undef(body.context_window_limit) ?? undef(body.llm_config?.context_window),
    tags: undef(body.tags),
    metadata: undef(body.metadata),
    secrets: secretsOf(body),
    enableSleeptime: undef(body.enable_sleeptime),
    toolRules: body.tool_rules ? toolRulesFromLetta(body.tool_rules) : undefined,
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as UpdateAgentInput;
}
