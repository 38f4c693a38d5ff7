// AgentView → Letta's AgentState. Relations (blocks, tools, sources, tags) are always included: a superset
// of what Letta sends 1.x clients without `include=`, which the client does not mind.
import { REDACTED_SECRET } from "../../runtime/index.ts";
import type { AgentView } from "../../runtime/types.ts";
import { groupToLetta } from "./groups.ts";
import { approvalRequestToLetta } from "./messages.ts";
import { blockToLetta, embeddingConfig, folderToLetta, llmConfig, toolToLetta } from "./records.ts";
import { toolRulesToLetta } from "./tool-rules.ts";

/** AgentEnvironmentVariable, its value redacted. */
function secretToLetta(agentId: string, key: string): Record<string, unknown> {
  return { id: null, agent_id: agentId, key, value: REDACTED_SECRET, description: null };
}

/** AgentState as the Letta client reads it. */
export function agentToLetta(view: AgentView): Record<string, unknown> {
  const { record: a, model } = view;
  const blocks = view.blocks.map(blockToLetta);
  // The group this agent manages (Letta's managed_group; a sleep-time primary manages its companion's).
  const managed = view.groups.find((g) => g.managerAgentId === a.id);
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    agent_type: a.agentType,
    system: a.system,
    model: a.model,
    embedding: a.embedding,
    llm_config: llmConfig(model, a.settings.heartbeats),
    embedding_config: embeddingConfig(a.embedding),
    model_settings: null,
    context_window_limit: a.contextWindow ?? model.contextWindow,
    memory: { agent_type: a.agentType, blocks, file_blocks: [], prompt_template: null },
    blocks,
    tools: view.tools.map(toolToLetta),
    sources: view.sources.map(folderToLetta),
    tags: a.tags,
    metadata: a.metadata,
    message_ids: a.inContextMessageIds,
    tool_rules: toolRulesToLetta(a.toolRules ?? []),
    timezone: "UTC",
    message_buffer_autoclear: false,
    enable_sleeptime: managed?.managerType === "sleeptime",
    last_stop_reason: a.lastStopReason,
    last_run_completion: a.lastRunAt,
    last_run_duration_ms: null,
    identities: [],
    identity_ids: [],
    // Names only: a secret's value never leaves the server.
    secrets: view.secretKeys.map((key) => secretToLetta(a.id, key)),
    tool_exec_environment_variables: view.secretKeys.map((key) => secretToLetta(a.id, key)),
    multi_agent_group: managed ? groupToLetta(managed) : null,
    managed_group: managed ? groupToLetta(managed) : null,
    pending_approval: a.pendingApproval ? approvalRequestToLetta(a.pendingApproval) : null,
    project_id: null,
    template_id: null,
    base_template_id: null,
    deployment_id: null,
    entity_id: null,
    hidden: null,
    response_format: null,
    created_by_id: null,
    last_updated_by_id: null,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}
