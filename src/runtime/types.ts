// The public library API that runtime builds (openLmos) and that server, CLI and users call.
// Server and CLI depend on these shapes only.
import type { AgentEvent, RunUsage, StopReason } from "../kernel/events.ts";
import type { StepTiming } from "../kernel/types.ts";
import type { ContextTokens } from "../context/index.ts";
import type { McpServersApi } from "./mcp-types.ts";
import type { GroupsApi, SchedulesApi } from "./coordination-types.ts";
import type { AgentInput, RunOptions } from "./input-types.ts";
import type { SourcesApi } from "./sources-types.ts";
import type { JobQueue, Scheduler } from "./jobs/index.ts";
import type { ArchivalSearchOptions, ScoredPassage } from "../memory/index.ts";
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
  ProjectFilter,
  PassageRecord,
  RunQuery,
  RunRecord,
  SourceRecord,
  StepRecord,
  Store,
  ToolRecord,
  ToolSandboxSettings,
  ToolRule,
  GroupRecord,
} from "../store/types.ts";

export interface LmosOptions {
  /** Folder for lmos.db and other state; default $LMOS_HOME or ~/.lmos. */
  home?: string;
  /** postgres://…[?schema=name] selects the PostgreSQL store (default schema "lmos"); default is the SQLite
   * file in home. Default $LMOS_DATABASE_URL. */
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
  /** Run the job queue and the scheduler in this process (schedules fire, agents' messages and sleep-time
   * runs are taken); default true. One-shot CLI commands pass false and leave the work to `lmos serve`. */
  background?: boolean;
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
  /** Letta's include_multi_agent_tools: the three tools that message other agents. */
  includeMultiAgentTools?: boolean;
  sourceIds?: string[];
  tags?: string[];
  metadata?: Record<string, unknown>;
  settings?: Partial<AgentSettings>;
  /** Letta's enable_sleeptime: a companion agent sharing this agent's blocks reorganises them in the
   * background after every `sleeptimeFrequency` turns (default 5) once the agent is idle. */
  enableSleeptime?: boolean;
  sleeptimeFrequency?: number;
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
    | "enableSleeptime"
    | "sleeptimeFrequency"
  >
>;

/** An agent with its relations, as API and CLI show it. */
export interface AgentView {
  record: AgentRecord;
  blocks: BlockRecord[];
  tools: ToolRecord[];
  sources: SourceRecord[];
  model: ModelInfo;
  /** The groups the agent is a member or the manager of (a sleep-time primary manages its companion). */
  groups: GroupRecord[];
  /** Names of the agent's tool environment variables (their values are never part of a view). */
  secretKeys: string[];
}

export type { AgentInput, ApprovalInput, InputMessage, RunOptions } from "./input-types.ts";

export interface RunResult {
  runId: string;
  stopReason: StopReason;
  /** Every message the run stored, input first, in order. */
  messages: MessageRecord[];
  events: AgentEvent[];
  usage: RunUsage;
  /** How the agent's replies reach the user ("send_message": the tool's argument; "text": the assistant's
   * text), as the run used it; `agent.state()` reads the whole agent when you need more. */
  replyMode: AgentSettings["replyMode"];
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
  /** The same run as an async iterable of events; ends after `run-end`. */
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
    /** Files a passage away; `createdAt` (ISO or any date Date.parse reads) dates it, default now. */
    insert(text: string, tags?: string[], options?: { createdAt?: string }): Promise<PassageRecord[]>;
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
  /** Calls `listen` with the events of this agent's runs in this process as they happen, background runs
   * included (a schedule's firing, a message from another agent), and its sleep-time companion's (their
   * agentId is the companion's: its memory-edit events are edits of this agent's blocks); returns the
   * unsubscribe. */
  watch(listen: (event: AgentEvent) => void): () => void;
  /** Scheduled wake-ups of this agent (fired while an lmos with background work is open). */
  schedules: SchedulesApi;
}

export interface Lmos {
  readonly store: Store;
  /** Copies the whole database to a new file at `path` while lmos keeps running (see Store.backup). */
  backup(path: string): Promise<{ path: string; bytes: number }>;
  readonly config: {
    home: string;
    /** The SQLite file, or null on PostgreSQL. */
    databasePath: string | null;
    /** The PostgreSQL URL (password hidden), or null on SQLite. */
    databaseUrl: string | null;
    defaultModel: string | null;
    defaultEmbedding: string | null;
  };
  agents: {
    create(input: CreateAgentInput): Promise<AgentHandle>;
    /** By id or by name; throws LmosError("not_found"). */
    get(idOrName: string): Promise<AgentHandle>;
    list(
      query?: Page & ProjectFilter & { name?: string; tags?: string[]; matchAllTags?: boolean },
    ): Promise<AgentView[]>;
    update(idOrName: string, patch: UpdateAgentInput): Promise<AgentView>;
    delete(idOrName: string): Promise<void>;
  };
  blocks: {
    create(input: BlockInput): Promise<BlockRecord>;
    get(id: string): Promise<BlockRecord>;
    list(query?: Page & ProjectFilter & { label?: string }): Promise<BlockRecord[]>;
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
      /** The caller's project: a same-named tool of another project is a conflict, not updated. */
      project?: string;
    }): Promise<ToolRecord>;
    get(id: string): Promise<ToolRecord>;
    list(query?: Page & ProjectFilter & { name?: string }): Promise<ToolRecord[]>;
    delete(id: string): Promise<void>;
  };
  sources: SourcesApi;
  runs: RunsApi;
  /** MCP servers lmos uses as a client: their tools become tools agents attach. */
  mcpServers: McpServersApi;
  /** Multi-agent groups: messages routed by a manager policy, shared blocks. */
  groups: GroupsApi;
  /** The one job queue of this lmos (schedule firings, agents' messages, sleep-time runs, your own work). */
  jobs: JobQueue;
  /** The one scheduler: fires agents' schedules into the job queue. */
  scheduler: Scheduler;
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

export type { IngestReport, SourceSearchHit, SourcesApi } from "./sources-types.ts";

export type { McpServerInput, McpServersApi, McpSyncReport } from "./mcp-types.ts";
export type * from "./coordination-types.ts";
export type { EnqueueOptions, JobHandler, JobQueue, JobRetry, QueuedJob, Scheduler } from "./jobs/index.ts";
