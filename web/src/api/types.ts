// The Letta shapes the UI reads (only the fields it uses; the server sends more).

export interface Block {
  id: string;
  label: string;
  value: string;
  limit: number;
  description: string | null;
  read_only?: boolean;
  updated_at?: string | null;
}

export interface Agent {
  id: string;
  name: string;
  description: string | null;
  system: string;
  model?: string | null;
  llm_config: { model: string; handle?: string | null; context_window: number };
  blocks: Block[];
  tools: Tool[];
  sources: Folder[];
  tags: string[];
  created_at: string;
  last_run_completion?: string | null;
  last_stop_reason?: string | null;
  tool_rules?: ToolRule[] | null;
  /** The approval request a paused run waits on (stop reason requires_approval). */
  pending_approval?: LettaMessage | null;
}

export interface Tool {
  id: string;
  name: string;
  description: string | null;
  tool_type?: string;
  json_schema: Record<string, unknown>;
  source_code?: string | null;
  source_type?: string | null;
  tags?: string[];
  default_requires_approval?: boolean;
  metadata_?: { mcp?: { server_name?: string } } & Record<string, unknown>;
  /** lmos's own: the tool's sandbox limits and grants (null: the server's defaults). */
  sandbox?: ToolSandbox | null;
}

export interface ToolSandbox {
  timeout_ms?: number | null;
  memory_mb?: number | null;
  network?: boolean | null;
  allowed_hosts?: string[] | null;
  filesystem?: { path: string; mode: "ro" | "rw" } | null;
}

/** A Letta tool rule as the server sends it (type plus the fields of that type). */
export interface ToolRule {
  type: string;
  tool_name: string;
  children?: string[];
  max_count_limit?: number;
  [field: string]: unknown;
}

export interface McpServer {
  id: string;
  server_name: string;
  mcp_server_type?: string;
  command?: string | null;
  args?: string[] | null;
  server_url?: string | null;
}

export interface Model {
  handle: string;
  context_window: number;
}

/** One Letta message (a part of a stored message; parts of one share `id`, `otid` tells them apart). */
export interface LettaMessage {
  id: string;
  otid?: string | null;
  date: string;
  message_type: string;
  step_id?: string | null;
  run_id?: string | null;
  seq_id?: number;
  content?: string | Array<{ type: string; text?: string }>;
  reasoning?: string;
  tool_call?: { name: string | null; arguments: string; tool_call_id: string | null };
  tool_calls?: Array<{ name: string | null; arguments: string; tool_call_id: string | null }>;
  tool_return?: string;
  tool_call_id?: string;
  status?: "success" | "error";
}

export interface ContextOverview {
  context_window_size_max: number;
  context_window_size_current: number;
  num_messages: number;
  num_archival_memory: number;
  num_recall_memory: number;
  num_tokens_system: number;
  num_tokens_functions_definitions: number;
  num_tokens_core_memory: number;
  num_tokens_summary_memory: number;
  num_tokens_files?: number;
  num_tokens_messages: number;
  num_tokens_warn_threshold?: number;
  num_tokens_evict_threshold?: number;
  system_prompt: string;
  summary_memory: string | null;
}

export interface Passage {
  id: string;
  text: string;
  tags?: string[] | null;
  created_at: string;
}

export interface PassageHit {
  id: string;
  content: string;
  timestamp: string;
  tags: string[];
  score?: number;
}

export interface RecallHit {
  message_id: string;
  message_type: string;
  content: string;
  created_at: string;
  run_id?: string | null;
}

export interface Run {
  id: string;
  agent_id: string;
  status: "created" | "running" | "completed" | "failed" | "cancelled";
  stop_reason: string | null;
  created_at: string;
  completed_at: string | null;
  total_duration_ns: number | null;
}

export interface Step {
  id: string;
  run_id: string;
  model_handle: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  created_at: string;
}

export interface ProviderTrace {
  step_id: string;
  request_json: Record<string, unknown>;
  response_json: {
    text: string;
    reasoning: string;
    tool_calls: Array<{ id: string; name: string; arguments: string }>;
    finish_reason: string;
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  };
}

export interface Folder {
  id: string;
  name: string;
  description: string | null;
  created_at?: string;
}

export interface FileMeta {
  id: string;
  source_id: string;
  file_name: string;
  file_size?: number | null;
  processing_status?: string | null;
  total_chunks?: number | null;
  created_at?: string;
}
