// A new agent's record: the one place that knows every bookkeeping field's starting value.
import { newId, nowIso } from "./ids.ts";
import type { AgentRecord, AgentSettings } from "./types.ts";

/** Behaviour settings of an agent created without any. */
export const DEFAULT_AGENT_SETTINGS: AgentSettings = {
  heartbeats: true,
  replyMode: "send_message",
  warnFraction: 0.75,
  evictFraction: 0.5,
  maxSteps: 50,
};

/** A fresh AgentRecord: the given fields over empty memory state, default settings and timestamps of now. */
export function newAgentRecord(
  fields: Pick<AgentRecord, "name" | "system" | "model"> & Partial<AgentRecord>,
): AgentRecord {
  const now = fields.createdAt ?? nowIso();
  return {
    id: newId("agent"),
    description: null,
    agentType: "memgpt_agent",
    embedding: null,
    contextWindow: null,
    tags: [],
    metadata: {},
    toolRules: [],
    pendingApproval: null,
    inContextMessageIds: [],
    summary: "",
    memoryEditedAt: null,
    pressureWarned: false,
    lastStopReason: null,
    lastRunAt: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
    settings: { ...DEFAULT_AGENT_SETTINGS, ...fields.settings },
  };
}
