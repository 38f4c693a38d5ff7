// The tools layer's public face: the base tools, specs the model sees, argument parsing, result
// packaging, the registry, schemas of Python tools, and custom tools run in the sandbox pool.
export { BASE_TOOL_NAMES, baseTools } from "./base-tools.ts";
export {
  type CustomToolDeps,
  customToolDefinition,
  limitsOf,
  SANDBOX_DEFAULTS,
  type SandboxDefaults,
  sandboxLanguage,
} from "./custom-tool.ts";
export { type FileGrantSetting, resolveFileGrant } from "./grants.ts";
export {
  createSandboxPool,
  type Sandbox,
  type SandboxJob,
  type SandboxLanguage,
  type SandboxLimits,
  type SandboxPoolOptions,
  type SandboxResult,
  type SandboxStats,
} from "./sandbox/index.ts";
export {
  coreMemoryAppendTool,
  coreMemoryReplaceTool,
  memoryRethinkTool,
  sendMessageTool,
} from "./memory-tools.ts";
export {
  type McpCallResult,
  McpConnections,
  type McpConnectionOptions,
  type McpToolInfo,
  resultText as mcpResultText,
} from "./mcp/connections.ts";
export {
  MCP_TAG_PREFIX,
  mcpOrigin,
  mcpToolDefinitions,
  type McpToolDeps,
  mcpToolFields,
  type McpToolOrigin,
  unusableReason as mcpUnusableReason,
} from "./mcp/tool-definition.ts";
export {
  asyncPrefix,
  multiAgentTools,
  sendMessageToAllAgentsInGroupTool,
  waitPrefix,
} from "./multi-agent-tools.ts";
export { type PythonToolSchema, pythonToolSchema, pythonTypeSchema } from "./python-schema.ts";
export { ToolRegistry } from "./registry.ts";
export {
  archivalMemoryInsertTool,
  archivalMemorySearchTool,
  conversationSearchTool,
} from "./search-tools.ts";
export {
  FUNCTION_RETURN_CHAR_LIMIT,
  formatToolResult,
  jsonSchemaOf,
  type ParsedArguments,
  parseToolArguments,
  REQUEST_HEARTBEAT_DESCRIPTION,
  toolSpec,
} from "./spec.ts";
export {
  type AgentMessageRequest,
  type AgentMessenger,
  parseToolResult,
  sendMessageText,
  type ToolContext,
  type ToolDefinition,
  ToolError,
} from "./types.ts";
