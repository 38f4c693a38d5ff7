// Groups → Letta's Group (letta/schemas/group.py); fields lmos has no notion of (templates, projects,
// voice buffers) are null.
import type { GroupRecord } from "../../store/types.ts";

/** Letta's Group. */
export function groupToLetta(g: GroupRecord): Record<string, unknown> {
  return {
    id: g.id,
    manager_type: g.managerType,
    agent_ids: g.agentIds,
    description: g.description,
    manager_agent_id: g.managerAgentId,
    termination_token: g.terminationToken,
    max_turns: g.maxTurns,
    sleeptime_agent_frequency: g.sleeptimeAgentFrequency,
    turns_counter: g.turnsCounter,
    last_processed_message_id: g.lastProcessedMessageId,
    shared_block_ids: g.sharedBlockIds,
    project_id: null,
    template_id: null,
    base_template_id: null,
    deployment_id: null,
    max_message_buffer_length: null,
    min_message_buffer_length: null,
    hidden: null,
  };
}
