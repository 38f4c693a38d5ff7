// The context layer's public face: core memory rendering, the context compiler, pressure policy and the
// system-alert texts the kernel writes.
export {
  heartbeatMessage,
  NON_USER_MSG_PREFIX,
  pressureWarningMessage,
  summaryNoticeMessage,
  systemAlertMessage,
} from "./alerts.ts";
export { toChatMessage, toChatMessages } from "./chat-messages.ts";
// Kept here for the callers that import it from context; it is the store's (store/message-record.ts).
export { messageText } from "../store/index.ts";
export {
  type CompiledContext,
  type CompileInput,
  type ContextTokens,
  compileContext,
  WindowMemo,
} from "./compile.ts";
export {
  CORE_MEMORY_PLACEHOLDER,
  compileSystemPrompt,
  type ExtraSection,
  type MemoryCounts,
  renderCoreMemory,
  renderMemoryMetadata,
  type SystemPromptInput,
} from "./core-memory.ts";
export { assessPressure, planEviction, pressureThresholds, replyReserve } from "./pressure.ts";
export { formatTime } from "./time.ts";
