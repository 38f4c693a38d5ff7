// The public library API that runtime builds (openLmos) and that server, CLI and users call.
// Server and CLI depend on these shapes only.
import type { AgentEvent, RunUsage, StopReason } from "../kernel/events.ts";
import type { StepTiming } from "../kernel/types.ts";
import type { ContextTokens } from "../context/index.ts";
import type { McpServersApi } from "./mcp-types.ts";
import type { ArchivalSearchOptions, ScoredPassage } from "../memory/index.ts";
import type { IngestProgress } from "../sources/index.ts";
import type { StepTraceView } from "./step-traces.ts";
import type { ModelInfo, Provider } from "../llm/types.ts";
import type { Sandbox } from "../tools/index.ts";
import type {
  AgentRecord,
  AgentSettings,
  BlockEditOp,
  BlockRecord,
  MessageQuery,
  MessageRecord,
  Page,
  PassageRecord,
  RunQuery,
  RunRecord,
  SourceRecord,
  StepRecord,
  Store,
  ToolRecord,
  ToolSandboxSettings,
  ToolRule,
  FileRecord,
} from "../store/types.ts";

export interface LmosOptions {
  /** Folder for lmos.db and other state; default $LMOS_HOME or ~/.lmos. */
  home?: string;
  /** postgres://… selects Postgres (later); default is the SQLite file in home. */
  databaseUrl?: string;
  /** Default model handle for new agents; default $LMOS_MODEL. */
  model?: string;
  /** Default embedding handle or "none"; default $LMOS_EMBEDDING or "none". */
  embedding?: string;
  /** Environment to read configuration from (tests pass their own); default process.env. */
  env?: Record<string, string | undefined>;
  /** A provider of your own for some handles (e.g. an in-process model); return undefined to use the configured ones. */
  provider?: (handle: string) => Provider | undefined;
  /** Called after every committed step with where its time went (benchmarks, tracing). */
  onStepTiming?: (timing: StepTiming) => void;
  /** Checkpoint SQLite's WAL on a worker thread rather than inside commits; default true. */
  backgroundCheckpoint?: boolean;
  /** The sandbox pool custom tools run in; default a pool of this lmos (closed with it). Pass one to
   *  share warm interpreters between several lmos instances; its owner closes it. */
  sandbox?: Sandbox;
  /** How many recent steps' exact model requests to keep in memory for lmos.runs.trace; default
   * $LMOS_STEP_TRACES or 200, 0 keeps none. */
  stepTraces?: number;
}

export interface BlockInput {
  label: string;
  value: string;
  description?: string;
  limit?: number;
  readOnly?: boolean;
  metadata?: Record<string, unknown>;
  tags?: string[];
}

export interface CreateAgentInput {
  name?: string;
  description?: string;
  system?: string;
  agentType?: string;
  model?: string;
  embedding?: string | null;
  contextWindow?: number;
  memoryBlocks?: BlockInput[];
  blockIds?: string[];
  /** Tool names or ids to attach besides the base tools. */
  tools?: string[];
  includeBaseTools?: boolean;
  sourceIds?: string[];
  tags?: string[];
  metadata?: Record<string, unknown>;
  settings?: Partial<AgentSettings>;
  /** Environment variables custom tools of this agent see (Letta's secrets); stored apart, never shown. */
  secrets?: Record<string, string>;
  /** Letta's tool rules (attaching a tool whose defaultRequiresApproval is set adds a requires_approval rule). */
  toolRules?: ToolRule[];
}

export type UpdateAgentInput = Partial<
  Pick<
    CreateAgentInput,
    | "name"
    | "description"
    | "system"
    | "model"
    | "embedding"
    | "contextWindow"
    | "tags"
    | "metadata"
    | "settings"
    | "secrets"
    | "toolRules"
  >
>;

/** An agent with its relations, as API and CLI show it. */
export interface AgentView {
  record: AgentRecord;
  blocks: BlockRecord[];
  tools: ToolRecord[];
  sources: SourceRecord[];
  model: ModelInfo;
  /** Names of the agent's tool environment variables (their values are never part of a view). */
  secretKeys: string[];
}

export type InputMessage = { role: "user" | "system" | "assistant"; content: string; name?: string };

/** A human's answer to a run paused with stop reason requires_approval: one decision per held call
 * (the pending calls are in `agent.record.pendingApproval`). A denial's reason reaches the model. */
export interface ApprovalInput {
  approvals: Array<{ toolCallId: string; approve: boolean; reason?: string }>;
}

/** What a run takes: text, messages, or an approval of the calls a paused run holds. */
export type AgentInput = string | InputMessage[] | ApprovalInput;

export interface RunOptions {
  maxSteps?: number;
  signal?: AbortSignal;
  /** Ask the provider for token-level deltas (stream only; send ignores it). */
  streamTokens?: boolean;
}

export interface RunResult {
  runId: string;
  stopReason: StopReason;
  /** Every message the run stored, input first, in order. */
  messages: MessageRecord[];
  events: AgentEvent[];
  usage: RunUsage;
  agent: AgentView;
  /** What the user was told in this run (send_message arguments or reply text), joined by blank lines. */
  reply: string;
  /** Set when the run failed: provider error after retries (stopReason llm_api_error) or an internal error. */
  error?: { code: string; message: string };
}

/** The compiler's token breakdown plus the store's counts (what `/context` shows). */
export interface ContextBreakdown extends ContextTokens {
  recallMessages: number;
  archivalPassages: number;
  /** Past this many tokens the model is warned to save what matters (memory pressure). */
  warnAt: number;
  /** At this many tokens the oldest messages are evicted into the summary. */
  evictAt: number;
}

export type { ArchivalSearchOptions } from "../memory/index.ts";

export type { ScoredPassage } from "../memory/index.ts";

export interface AgentHandle {
  readonly id: string;
  state(): Promise<AgentView>;
  /** Runs the agent on the input to completion (queued behind any run in progress). */
  send(input: AgentInput, options?: RunOptions): Promise<RunResult>;
  /** A timed wake-up: runs the agent with no message from anyone (the model sees a heartbeat with the
   * reason), e.g. from the application's own scheduler; queued behind any run in progress. */
  wake(reason?: string, options?: RunOptions): Promise<RunResult>;
  /** Starts a run in the background and returns it at once (status "created" until it leaves the agent's
   * queue); follow it with lmos.runs. Unknown agent or no provider for its model fail here. */
  start(input: AgentInput, options?: RunOptions): Promise<RunRecord>;
  /** The same run as an async iterable of events; ends after `run-finish`. */
  stream(input: AgentInput, options?: RunOptions): AsyncIterable<AgentEvent>;
  /** Cancels the run in progress (or the given run); state stays consistent. */
  cancel(runId?: string): Promise<boolean>;
  messages(query?: MessageQuery): Promise<MessageRecord[]>;
  /** Empties the context window; messages stay in recall. */
  reset(): Promise<void>;
  /** Evicts into the summary now. */
  compact(): Promise<void>;
  context(): Promise<ContextBreakdown>;
  memory: {
    list(): Promise<BlockRecord[]>;
    get(label: string): Promise<BlockRecord>;
    update(
      label: string,
      patch: Partial<Omit<BlockInput, "label">> & { label?: string },
    ): Promise<BlockRecord>;
    /** Applies one edit to the block's value as stored now (store BlockEdit: what an append or replace
     * meets is the latest value, not the one read before), in one write. */
    edit(label: string, edit: BlockEditOp): Promise<BlockRecord>;
    attach(blockId: string): Promise<void>;
    detach(blockId: string): Promise<void>;
  };
  archival: {
    insert(text: string, tags?: string[]): Promise<PassageRecord[]>;
    search(query: string, options?: ArchivalSearchOptions): Promise<ScoredPassage[]>;
    list(query?: Page & { search?: string }): Promise<PassageRecord[]>;
    delete(passageId: string): Promise<void>;
  };
  recall: {
    /** Hybrid search over every message the agent exchanged (what its conversation_search sees), best first. */
    search(
      query: string,
      options?: { limit?: number; roles?: Array<"user" | "assistant">; start?: string; end?: string },
    ): Promise<Array<{ message: MessageRecord; text: string }>>;
  };
  tools: {
    list(): Promise<ToolRecord[]>;
    attach(toolId: string): Promise<void>;
    detach(toolId: string): Promise<void>;
    /** Adds or removes the agent's requires_approval rule for a tool (by name), as Letta's
     * PATCH /v1/agents/{id}/tools/approval/{tool_name}. */
    setApproval(toolName: string, requiresApproval: boolean): Promise<void>;
  };
}

export interface Lmos {
  readonly store: Store;
  /** Copies the whole database to a new file at `path` while lmos keeps running (see Store.backup). */
  backup(path: string): Promise<{ path: string; bytes: number }>;
  readonly config: {
    home: string;
    databasePath: string | null;
    defaultModel: string | null;
    defaultEmbedding: string | null;
  };
  agents: {
    create(input: CreateAgentInput): Promise<AgentHandle>;
    /** By id or by name; throws LmosError("not_found"). */
    get(idOrName: string): Promise<AgentHandle>;
    list(query?: Page & { name?: string; tags?: string[]; matchAllTags?: boolean }): Promise<AgentView[]>;
    update(idOrName: string, patch: UpdateAgentInput): Promise<AgentView>;
    delete(idOrName: string): Promise<void>;
  };
  blocks: {
    create(input: BlockInput): Promise<BlockRecord>;
    get(id: string): Promise<BlockRecord>;
    list(query?: Page & { label?: string }): Promise<BlockRecord[]>;
    update(id: string, patch: Partial<BlockInput>): Promise<BlockRecord>;
    delete(id: string): Promise<void>;
    agents(id: string): Promise<string[]>;
  };
  tools: {
    /** Creates or updates a custom tool from source (JSON schema given or derived). */
    upsert(input: {
      sourceCode: string;
      sourceType?: string;
      jsonSchema?: Record<string, unknown>;
      description?: string;
      tags?: string[];
      /** Characters of the result the model sees (Letta's return_char_limit; default 50,000). */
      returnCharLimit?: number;
      /** This tool's sandbox limits and grants over the global defaults; null clears them. */
      sandbox?: ToolSandboxSettings | null;
      defaultRequiresApproval?: boolean;
    }): Promise<ToolRecord>;
    get(id: string): Promise<ToolRecord>;
    list(query?: Page & { name?: string }): Promise<ToolRecord[]>;
    delete(id: string): Promise<void>;
  };
  sources: SourcesApi;
  runs: RunsApi;
  /** MCP servers lmos uses as a client: their tools become tools agents attach. */
  mcpServers: McpServersApi;
  /** Models the configuration can reach (for GET /v1/models). */
  models(): ModelInfo[];
  embeddingModels(): Array<{ handle: string; dimensions: number | null }>;
  close(): Promise<void>;
}

export type { IngestProgress } from "../sources/index.ts";

/** Runs of every agent: what they are doing or how they ended, and what they stored. */
export interface RunsApi {
  /** A run by id; throws LmosError("not_found"). */
  get(id: string): Promise<RunRecord>;
  list(query?: RunQuery): Promise<RunRecord[]>;
  /** The messages the run stored, its input first (in the page's order). */
  messages(id: string, query?: Page): Promise<MessageRecord[]>;
  steps(id: string): Promise<StepRecord[]>;
  /** What a step sent to the model and got back, while this process keeps it (the newest LmosOptions.stepTraces
   * steps it ran); null otherwise. */
  trace(stepId: string): Promise<StepTraceView | null>;
}

export interface IngestReport {
  files: Array<{
    path: string;
    file: FileRecord | null;
    status: "ingested" | "unchanged" | "error";
    error?: string;
  }>;
  ok: number;
  unchanged: number;
  failed: number;
}

export interface SourceSearchHit {
  passage: PassageRecord;
  file: Pick<FileRecord, "id" | "fileName">;
  score: number;
}

/** Documents: sources (Letta "folders"), their files and passages. Sources are addressed by id or name. */
export interface SourcesApi {
  create(input: {
    name: string;
    description?: string;
    instructions?: string;
    embedding?: string | null;
  }): Promise<SourceRecord>;
  get(idOrName: string): Promise<SourceRecord>;
  list(query?: Page & { name?: string }): Promise<SourceRecord[]>;
  update(
    idOrName: string,
    patch: { name?: string; description?: string; instructions?: string },
  ): Promise<SourceRecord>;
  delete(idOrName: string): Promise<void>;
  attach(sourceIdOrName: string, agentIdOrName: string): Promise<void>;
  detach(sourceIdOrName: string, agentIdOrName: string): Promise<void>;
  agents(sourceIdOrName: string): Promise<string[]>;
  /** Ingests one file given as bytes or a path on disk; a bad file gives a FileRecord with status "error". */
  upload(
    sourceIdOrName: string,
    file: { name: string; path?: string; data?: Uint8Array },
    options?: { onProgress?: (p: IngestProgress) => void; signal?: AbortSignal },
  ): Promise<FileRecord>;
  /** Ingests files, globs and directories; one failed file never stops the others. */
  ingest(
    sourceIdOrName: string,
    paths: string[],
    options?: { onProgress?: (p: IngestProgress) => void; signal?: AbortSignal },
  ): Promise<IngestReport>;
  files(sourceIdOrName: string, query?: Page): Promise<FileRecord[]>;
  getFile(sourceIdOrName: string, fileId: string): Promise<FileRecord>;
  deleteFile(sourceIdOrName: string, fileId: string): Promise<void>;
  search(sourceIdOrName: string, query: string, options?: { limit?: number }): Promise<SourceSearchHit[]>;
}

export type { McpServerInput, McpServersApi, McpSyncReport } from "./mcp-types.ts";
