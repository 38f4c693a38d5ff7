// The base tool set every agent gets (MemGPT's: reply, core memory edits, recall and archival memory).
import type { AgentSettings } from "../store/types.ts";
import {
  coreMemoryAppendTool,
  coreMemoryReplaceTool,
  memoryRethinkTool,
  sendMessageTool,
} from "./memory-tools.ts";
import {
  archivalMemoryInsertTool,
  archivalMemorySearchTool,
  conversationSearchTool,
} from "./search-tools.ts";
import type { ToolDefinition } from "./types.ts";

const ALL_BASE: ToolDefinition[] = [
  sendMessageTool,
  coreMemoryAppendTool,
  coreMemoryReplaceTool,
  memoryRethinkTool,
  conversationSearchTool,
  archivalMemoryInsertTool,
  archivalMemorySearchTool,
];

/** Names of every base tool (send_message included). */
export const BASE_TOOL_NAMES: readonly string[] = ALL_BASE.map((d) => d.name);

/** The base tools for an agent's settings: send_message only when replies go through it. */
export function baseTools(settings: Pick<AgentSettings, "replyMode">): ToolDefinition[] {
  return ALL_BASE.filter((d) => d.name !== "send_message" || settings.replyMode === "send_message");
}
