// Column lists of every record table (see codec.ts). Field order is column order in SELECTs.
import type {
  AgentRecord,
  BlockRecord,
  FileRecord,
  GroupRecord,
  JobRecord,
  ScheduleRecord,
  MessageRecord,
  PassageRecord,
  RunRecord,
  McpServerRecord,
  SourceRecord,
  StepRecord,
  ToolRecord,
} from "../types.ts";
import type { Codec } from "./codec.ts";

/** Agents' columns; inContextMessageIds lives in agent_context (see context.ts). */
export const agentCodec: Codec<AgentRecord> = {
  table: "agents",
  columns: [
    ["id", "id", "text"],
    ["name", "name", "text"],
    ["description", "description", "text"],
    ["agentType", "agent_type", "text"],
    ["system", "system", "text"],
    ["model", "model", "text"],
    ["embedding", "embedding", "text"],
    ["contextWindow", "context_window", "int"],
    ["tags", "tags", "json"],
    ["metadata", "metadata", "json"],
    ["settings", "settings", "json"],
    ["toolRules", "tool_rules", "json"],
    ["pendingApproval", "pending_approval", "json"],
    ["summary", "summary", "text"],
    ["memoryEditedAt", "memory_edited_at", "text"],
    ["pressureWarned", "pressure_warned", "bool"],
    ["lastStopReason", "last_stop_reason", "text"],
    ["lastRunAt", "last_run_at", "text"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};

export const blockCodec: Codec<BlockRecord> = {
  table: "blocks",
  columns: [
    ["id", "id", "text"],
    ["label", "label", "text"],
    ["value", "value", "text"],
    ["description", "description", "text"],
    ["limit", "char_limit", "int"],
    ["readOnly", "read_only", "bool"],
    ["metadata", "metadata", "json"],
    ["tags", "tags", "json"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};

export const toolCodec: Codec<ToolRecord> = {
  table: "tools",
  columns: [
    ["id", "id", "text"],
    ["name", "name", "text"],
    ["description", "description", "text"],
    ["jsonSchema", "json_schema", "json"],
    ["sourceCode", "source_code", "text"],
    ["sourceType", "source_type", "text"],
    ["toolType", "tool_type", "text"],
    ["tags", "tags", "json"],
    ["returnCharLimit", "return_char_limit", "int"],
    ["defaultRequiresApproval", "default_requires_approval", "bool"],
    ["metadata", "metadata", "json"],
    ["sandbox", "sandbox", "json"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};

export const messageCodec: Codec<MessageRecord> = {
  table: "messages",
  columns: [
    ["id", "id", "text"],
    ["agentId", "agent_id", "text"],
    ["role", "role", "text"],
    ["content", "content", "json"],
    ["toolCalls", "tool_calls", "json"],
    ["toolCallId", "tool_call_id", "text"],
    ["name", "name", "text"],
    ["kind", "kind", "text"],
    ["runId", "run_id", "text"],
    ["stepId", "step_id", "text"],
    ["createdAt", "created_at", "text"],
    ["seq", "seq", "int"],
  ],
};

export const passageCodec: Codec<PassageRecord> = {
  table: "passages",
  columns: [
    ["id", "id", "text"],
    ["agentId", "agent_id", "text"],
    ["sourceId", "source_id", "text"],
    ["fileId", "file_id", "text"],
    ["text", "text", "text"],
    ["tags", "tags", "json"],
    ["metadata", "metadata", "json"],
    ["embeddingModel", "embedding_model", "text"],
    ["createdAt", "created_at", "text"],
  ],
};

export const sourceCodec: Codec<SourceRecord> = {
  table: "sources",
  columns: [
    ["id", "id", "text"],
    ["name", "name", "text"],
    ["description", "description", "text"],
    ["instructions", "instructions", "text"],
    ["embedding", "embedding", "text"],
    ["metadata", "metadata", "json"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};

export const fileCodec: Codec<FileRecord> = {
  table: "files",
  columns: [
    ["id", "id", "text"],
    ["sourceId", "source_id", "text"],
    ["fileName", "file_name", "text"],
    ["fileType", "file_type", "text"],
    ["fileSize", "file_size", "int"],
    ["contentHash", "content_hash", "text"],
    ["status", "status", "text"],
    ["error", "error", "text"],
    ["totalChunks", "total_chunks", "int"],
    ["text", "text", "text"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};

export const runCodec: Codec<RunRecord> = {
  table: "runs",
  columns: [
    ["id", "id", "text"],
    ["agentId", "agent_id", "text"],
    ["status", "status", "text"],
    ["stopReason", "stop_reason", "text"],
    ["createdAt", "created_at", "text"],
    ["completedAt", "completed_at", "text"],
    ["chain", "chain", "json"],
  ],
};

export const jobCodec: Codec<JobRecord> = {
  table: "jobs",
  columns: [
    ["id", "id", "text"],
    ["queue", "queue", "text"],
    ["key", "key", "text"],
    ["payload", "payload", "json"],
    ["status", "status", "text"],
    ["runAt", "run_at", "text"],
    ["attempts", "attempts", "int"],
    ["maxAttempts", "max_attempts", "int"],
    ["lockedBy", "locked_by", "text"],
    ["lockedUntil", "locked_until", "text"],
    ["error", "error", "text"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};

export const scheduleCodec: Codec<ScheduleRecord> = {
  table: "schedules",
  columns: [
    ["id", "id", "text"],
    ["agentId", "agent_id", "text"],
    ["spec", "spec", "json"],
    ["payload", "payload", "json"],
    ["nextRunAt", "next_run_at", "text"],
    ["lastFiredAt", "last_fired_at", "text"],
    ["createdAt", "created_at", "text"],
  ],
};

export const groupCodec: Codec<GroupRecord> = {
  table: "agent_groups",
  columns: [
    ["id", "id", "text"],
    ["managerType", "manager_type", "text"],
    ["agentIds", "agent_ids", "json"],
    ["description", "description", "text"],
    ["managerAgentId", "manager_agent_id", "text"],
    ["terminationToken", "termination_token", "text"],
    ["maxTurns", "max_turns", "int"],
    ["sleeptimeAgentFrequency", "sleeptime_agent_frequency", "int"],
    ["turnsCounter", "turns_counter", "int"],
    ["lastProcessedMessageId", "last_processed_message_id", "text"],
    ["sharedBlockIds", "shared_block_ids", "json"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};

export const stepCodec: Codec<StepRecord> = {
  table: "steps",
  columns: [
    ["id", "id", "text"],
    ["runId", "run_id", "text"],
    ["agentId", "agent_id", "text"],
    ["index", "step_index", "int"],
    ["model", "model", "text"],
    ["usage", "usage", "json"],
    ["createdAt", "created_at", "text"],
  ],
};

export const mcpServerCodec: Codec<McpServerRecord> = {
  table: "mcp_servers",
  columns: [
    ["id", "id", "text"],
    ["name", "name", "text"],
    ["type", "type", "text"],
    ["command", "command", "text"],
    ["args", "args", "json"],
    ["env", "env", "json"],
    ["url", "url", "text"],
    ["authHeader", "auth_header", "text"],
    ["authToken", "auth_token", "text"],
    ["headers", "headers", "json"],
    ["createdAt", "created_at", "text"],
    ["updatedAt", "updated_at", "text"],
  ],
};
