// lmos: an operating system for language-model agents. The public library API.
export { type ErrorCode, LmosError } from "./errors.ts";
export type { AgentEvent, ContextExtension, RunUsage, StopReason } from "./kernel/index.ts";
export { replyOf } from "./kernel/index.ts";
export type { ModelInfo } from "./llm/types.ts";
export { defaultSystemPrompt, openLmos } from "./runtime/index.ts";
export type * from "./runtime/index.ts";
export type {
  AgentRecord,
  AgentSettings,
  BlockRecord,
  ContentPart,
  MessageRecord,
  PassageRecord,
  SourceRecord,
  ToolCallRecord,
  ToolRecord,
  Usage,
} from "./store/types.ts";
/** Letta's agent files (.af): an agent out to a JSON document, and such a document in as new agents. */
export { exportAgentFile, type ImportOptions, importAgentFile } from "./server/index.ts";
