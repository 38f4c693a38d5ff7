// The records the Store keeps: agents, blocks, messages, passages, tools, sources, files, runs and steps.
// Field names are lmos's; the server maps them to Letta's wire shapes.

export type Role = "system" | "user" | "assistant" | "tool";

/** A content part of a stored message (Letta's content union, the parts lmos uses). */
export type ContentPart =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "image"; url?: string; mediaType?: string; data?: string };

export interface ToolCallRecord {
  id: string;
  name: string;
  /** The arguments exactly as the model produced them (may be invalid JSON). */
  arguments: string;
  /** The call was held for a human's approval instead of running (Letta's approval request). */
  requiresApproval?: boolean;
}

export interface MessageRecord {
  id: string;
  agentId: string;
  role: Role;
  content: ContentPart[];
  toolCalls: ToolCallRecord[];
  /** For role "tool": the call this message answers. */
  toolCallId: string | null;
  /** For role "tool": the tool's name; for user/assistant an optional sender name. */
  name: string | null;
  /** Inner kind for messages the kernel writes itself (heartbeat, system_alert, summary); null otherwise. */
  kind: string | null;
  runId: string | null;
  stepId: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** Monotonic per store; orders messages created in the same millisecond. */
  seq: number;
}

export interface BlockRecord {
  id: string;
  label: string;
  value: string;
  description: string | null;
  /** Character limit; edits past it fail. */
  limit: number;
  readOnly: boolean;
  metadata: Record<string, unknown>;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ToolRecord {
  id: string;
  name: string;
  description: string;
  /** OpenAI function schema: { name, description, parameters }. */
  jsonSchema: Record<string, unknown>;
  sourceCode: string | null;
  sourceType: string | null;
  /** Letta's tool_type: "letta_core", "letta_memory_core", "letta_files_core", "custom", ... */
  toolType: string;
  tags: string[];
  returnCharLimit: number;
  /** Letta's default_requires_approval: attaching the tool gives the agent a requires_approval rule for it. */
  defaultRequiresApproval?: boolean;
  /** Letta's metadata_ (e.g. `{mcp: {server_id, server_name, tool_name}}` for an MCP server's tool). */
  metadata?: Record<string, unknown>;
  /** Sandbox limits and grants of a custom tool (null or absent: the global defaults). */
  sandbox?: ToolSandboxSettings | null;
  createdAt: string;
  updatedAt: string;
}

/** What one custom tool may use, overriding the global defaults (LMOS_TOOL_TIMEOUT_MS, ...). */
export interface ToolSandboxSettings {
  /** Wall time of one call. */
  timeoutMs?: number;
  /** Memory of one call. */
  memoryMb?: number;
  /** HTTP from the tool (JavaScript: `fetch`; Python: `urllib.request`). Off unless granted. */
  network?: boolean;
  /** Hosts the network grant reaches (`example.com`, `*.example.com`, `host:port`); absent: the default. */
  allowedHosts?: string[];
  /** A host directory mounted at /data (Python); null: none even when the server grants one by default. */
  filesystem?: { path: string; mode: "ro" | "rw" } | null;
}

/** A Letta tool rule (the `type` strings are Letta's); rules constrain which tool the model may call
 * next, when the loop must stop or go on, and which calls wait for a human's approval. */
export type ToolRule =
  | { type: "run_first"; toolName: string }
  | { type: "exit_loop"; toolName: string }
  | { type: "continue_loop"; toolName: string }
  | { type: "required_before_exit"; toolName: string }
  | { type: "requires_approval"; toolName: string }
  | { type: "constrain_child_tools"; toolName: string; children: string[] }
  | { type: "parent_last_tool"; toolName: string; children: string[] }
  | { type: "max_count_per_step"; toolName: string; maxCountLimit: number }
  | {
      type: "conditional";
      toolName: string;
      /** Tool output (the result's message) → the tool that must come next. */
      childOutputMapping: Record<string, string>;
      defaultChild: string | null;
      requireOutputMapping: boolean;
    };

/** Tool calls a paused run holds for a human's decision (Letta's pending_approval). */
export interface PendingApproval {
  /** The stored assistant message with the calls (kind "approval_request"). */
  messageId: string;
  runId: string;
  stepId: string;
  /** The calls that wait for approval (the message may hold others, which run once this is answered). */
  toolCalls: ToolCallRecord[];
  createdAt: string;
}

/** Per-agent behaviour switches that are not Letta fields of their own. */
export interface AgentSettings {
  /** MemGPT heartbeats (true) or Letta v1 style "continue while the model calls tools" (false). */
  heartbeats: boolean;
  /** "send_message": replies go through the send_message tool; "text": plain assistant text is the reply. */
  replyMode: "send_message" | "text";
  /** Share of the context window past which the model is warned (default 0.75). */
  warnFraction: number;
  /** Share of in-context messages evicted when the window is full (default 0.5). */
  evictFraction: number;
  maxSteps: number;
}

export interface AgentRecord {
  id: string;
  name: string;
  description: string | null;
  agentType: string;
  /** The raw system prompt (not compiled). */
  system: string;
  /** Model handle "provider/model". */
  model: string;
  /** Embedding handle, or null for lexical only. */
  embedding: string | null;
  /** Override of the model's context window, or null for the model's own. */
  contextWindow: number | null;
  tags: string[];
  metadata: Record<string, unknown>;
  settings: AgentSettings;
  /** Letta's tool_rules, in the order given. */
  toolRules: ToolRule[];
  /** Set while a run is paused for a human's approval of tool calls; null otherwise. */
  pendingApproval: PendingApproval | null;
  /** Ids of the messages in the context window, oldest first (the system prompt is compiled, not listed). */
  inContextMessageIds: string[];
  /** The recursive summary of evicted messages ("" when none). */
  summary: string;
  /** When core memory was last edited (ISO), for the memory metadata. */
  memoryEditedAt: string | null;
  /** Whether the pressure warning was sent since the last eviction. */
  pressureWarned: boolean;
  lastStopReason: string | null;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PassageRecord {
  id: string;
  /** Archival passages belong to an agent; document passages to a source and file. */
  agentId: string | null;
  sourceId: string | null;
  fileId: string | null;
  text: string;
  tags: string[];
  metadata: Record<string, unknown>;
  embeddingModel: string | null;
  createdAt: string;
}

export interface SourceRecord {
  id: string;
  name: string;
  description: string | null;
  instructions: string | null;
  embedding: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface FileRecord {
  id: string;
  sourceId: string;
  fileName: string;
  fileType: string;
  fileSize: number;
  contentHash: string;
  status: "pending" | "parsing" | "embedding" | "completed" | "error";
  error: string | null;
  totalChunks: number;
  /** Full parsed text, for the open/grep file tools. */
  text: string;
  createdAt: string;
  updatedAt: string;
}

export interface RunRecord {
  id: string;
  agentId: string;
  /** "created": accepted but not started yet (a background run queued behind another run of its agent). */
  status: "created" | "running" | "completed" | "failed" | "cancelled";
  stopReason: string | null;
  createdAt: string;
  completedAt: string | null;
  /** Where the run sits in a chain of runs that started one another (agent messages, groups, sleep-time,
   * schedules); null for a run started from outside. */
  chain: RunChain | null;
}

/** A run's place in a chain: which run and agent started it, and how deep it is (budgets bound a chain). */
export interface RunChain {
  /** The chain's id: the id of its first run. */
  id: string;
  /** 0 for the first run; every hop (a message from one agent to another) adds one. */
  depth: number;
  parentRunId: string | null;
  /** The agent whose tool call or group turn started this run. */
  senderAgentId: string | null;
  /** Why the run started: "agent_message", "group", "sleeptime", "schedule". */
  kind: string;
  /** Agents up the chain waiting for this run's reply (a message back to them would deadlock). */
  waiting: string[];
  /** The schedule or group that started the chain, when one did. */
  origin?: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface StepRecord {
  id: string;
  runId: string;
  agentId: string;
  index: number;
  model: string;
  usage: Usage;
  createdAt: string;
}

/** A file an agent has open, with the window of lines (1-based offset) shown in its context. */
export interface OpenFileRecord {
  agentId: string;
  fileId: string;
  offset: number;
  length: number;
  openedAt: string;
}

/** An open-file change a step commits: open (or move the window of) a file, or close it (window null). */
export interface FileWindowChange {
  fileId: string;
  window: { offset: number; length: number } | null;
}

/** The process that created a run: runs of a process that no longer exists are orphans. */
export interface RunOwner {
  host: string;
  pid: number;
  /** Random per process, so a later process that reuses the pid is told apart. */
  token: string;
}

/** An MCP server lmos connects to as a client: a command it starts (stdio) or a URL (streamable HTTP, SSE). */
export interface McpServerRecord {
  id: string;
  /** Unique; MCP tools are tagged `mcp:<name>`. */
  name: string;
  type: "stdio" | "streamable_http" | "sse";
  /** stdio: the command, its arguments and extra environment. */
  command: string | null;
  args: string[];
  env: Record<string, string>;
  /** streamable_http / sse: the URL, the auth header (name and value) and any other headers. */
  url: string | null;
  authHeader: string | null;
  authToken: string | null;
  headers: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}
