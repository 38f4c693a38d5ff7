// The Store contract. Kernel, memory and sources see only this interface; runtime picks the
// implementation (sqlite/ today, postgres/ later). Every method is async so a networked store fits.
// Ids are strings with Letta's prefixes: agent-, block-, message-, passage-, tool-, source-, file-, run-, step-.
import type {
  Role,
  MessageRecord,
  BlockRecord,
  ToolRecord,
  AgentRecord,
  PassageRecord,
  SourceRecord,
  FileRecord,
  RunRecord,
  StepRecord,
  OpenFileRecord,
  McpServerRecord,
} from "./records.ts";

export type * from "./records.ts";

/** Everything one agent step changes, applied in one transaction by `commitStep`. */
export interface StepCommit {
  agentId: string;
  step: StepRecord;
  messages: MessageRecord[];
  /** Embeddings for some of `messages`, by message id (only when an embedder is configured). */
  messageEmbeddings?: Record<string, Float32Array>;
  blockUpdates: Array<{ id: string; value: string }>;
  passageInserts: Array<{ passage: PassageRecord; embedding?: Float32Array }>;
  passageDeletes: string[];
  agentPatch: Partial<
    Pick<
      AgentRecord,
      | "inContextMessageIds"
      | "summary"
      | "memoryEditedAt"
      | "pressureWarned"
      | "lastStopReason"
      | "lastRunAt"
      | "pendingApproval"
    >
  >;
  /** The run's end, when this step ends the run: written in the same transaction. */
  runPatch?: Partial<Pick<RunRecord, "status" | "stopReason" | "completedAt">>;
}

export interface Page {
  limit?: number;
  /** Cursor: return items after (before) the item with this id in the given order. */
  after?: string;
  before?: string;
  order?: "asc" | "desc";
}

export interface MessageQuery extends Page {
  roles?: Role[];
  /** ISO bounds, inclusive. */
  start?: string;
  end?: string;
}

/** Filters of `listRuns`; every given filter must hold. */
export interface RunQuery extends Page {
  agentIds?: string[];
  statuses?: RunRecord["status"][];
  stopReason?: string;
}

/** The process that created a run: runs of a process that no longer exists are orphans. */
export interface RunOwner {
  host: string;
  pid: number;
  /** Random per process, so a later process that reuses the pid is told apart. */
  token: string;
}

export interface LexicalQuery {
  query: string;
  limit: number;
  offset?: number;
}

export interface RankedId {
  id: string;
  score: number;
}

export interface PassageFilter {
  agentId?: string;
  sourceIds?: string[];
  fileId?: string;
  tags?: string[];
  tagMatch?: "any" | "all";
  start?: string;
  end?: string;
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  close(): Promise<void>;
  /** A consistent copy of the whole database at `path` (a new file), taken while others keep writing;
   * resolves with its size in bytes. */
  backup(path: string): Promise<{ bytes: number }>;

  // agents
  createAgent(agent: AgentRecord, blockIds: string[], toolIds: string[]): Promise<void>;
  getAgent(id: string): Promise<AgentRecord | null>;
  getAgentByName(name: string): Promise<AgentRecord | null>;
  listAgents(q: Page & { name?: string; tags?: string[]; matchAllTags?: boolean }): Promise<AgentRecord[]>;
  updateAgent(id: string, patch: Partial<AgentRecord>): Promise<AgentRecord>;
  deleteAgent(id: string): Promise<void>;

  // blocks (an agent has many; a block may be shared by many agents)
  createBlock(block: BlockRecord): Promise<void>;
  getBlock(id: string): Promise<BlockRecord | null>;
  listBlocks(q: Page & { label?: string }): Promise<BlockRecord[]>;
  updateBlock(id: string, patch: Partial<BlockRecord>): Promise<BlockRecord>;
  deleteBlock(id: string): Promise<void>;
  agentBlocks(agentId: string): Promise<BlockRecord[]>;
  attachBlock(agentId: string, blockId: string): Promise<void>;
  detachBlock(agentId: string, blockId: string): Promise<void>;
  blockAgents(blockId: string): Promise<string[]>;

  // tools
  upsertTool(tool: ToolRecord): Promise<ToolRecord>;
  getTool(id: string): Promise<ToolRecord | null>;
  getToolByName(name: string): Promise<ToolRecord | null>;
  listTools(q: Page & { name?: string }): Promise<ToolRecord[]>;
  deleteTool(id: string): Promise<void>;
  agentTools(agentId: string): Promise<ToolRecord[]>;
  attachTool(agentId: string, toolId: string): Promise<void>;
  detachTool(agentId: string, toolId: string): Promise<void>;

  // MCP servers lmos connects to as a client (names are unique)
  createMcpServer(server: McpServerRecord): Promise<void>;
  getMcpServer(id: string): Promise<McpServerRecord | null>;
  getMcpServerByName(name: string): Promise<McpServerRecord | null>;
  listMcpServers(q: Page): Promise<McpServerRecord[]>;
  updateMcpServer(id: string, patch: Partial<McpServerRecord>): Promise<McpServerRecord>;
  /** Deletes the server record (its tools are the caller's to delete). */
  deleteMcpServer(id: string): Promise<void>;

  // messages (recall: every message ever)
  getMessages(ids: string[]): Promise<MessageRecord[]>;
  listMessages(agentId: string, q: MessageQuery): Promise<MessageRecord[]>;
  countMessages(agentId: string): Promise<number>;
  /** BM25 over message text, best first. */
  searchMessagesLexical(
    agentId: string,
    q: LexicalQuery & Omit<MessageQuery, keyof Page>,
  ): Promise<RankedId[]>;
  /** Nearest messages by cosine distance (score = similarity), best first. */
  searchMessagesVector(
    agentId: string,
    embedding: Float32Array,
    q: { limit: number; roles?: MessageRecord["role"][]; start?: string; end?: string },
  ): Promise<RankedId[]>;

  // passages (archival memory and document chunks)
  insertPassages(items: Array<{ passage: PassageRecord; embedding?: Float32Array }>): Promise<void>;
  getPassages(ids: string[]): Promise<PassageRecord[]>;
  listPassages(filter: PassageFilter, q: Page): Promise<PassageRecord[]>;
  countPassages(filter: PassageFilter): Promise<number>;
  deletePassages(ids: string[]): Promise<void>;
  passageTags(agentId: string): Promise<string[]>;
  searchPassagesLexical(filter: PassageFilter, q: LexicalQuery): Promise<RankedId[]>;
  searchPassagesVector(filter: PassageFilter, embedding: Float32Array, limit: number): Promise<RankedId[]>;

  // sources and files
  createSource(source: SourceRecord): Promise<void>;
  getSource(id: string): Promise<SourceRecord | null>;
  getSourceByName(name: string): Promise<SourceRecord | null>;
  listSources(q: Page & { name?: string }): Promise<SourceRecord[]>;
  updateSource(id: string, patch: Partial<SourceRecord>): Promise<SourceRecord>;
  deleteSource(id: string): Promise<void>;
  attachSource(agentId: string, sourceId: string): Promise<void>;
  detachSource(agentId: string, sourceId: string): Promise<void>;
  agentSources(agentId: string): Promise<SourceRecord[]>;
  sourceAgents(sourceId: string): Promise<string[]>;
  getFile(id: string): Promise<FileRecord | null>;
  findFile(sourceId: string, fileName: string): Promise<FileRecord | null>;
  listFiles(sourceId: string, q: Page): Promise<FileRecord[]>;
  /** Replaces the file (same id or same source+name) and all its passages in one transaction. */
  replaceFile(
    file: FileRecord,
    passages: Array<{ passage: PassageRecord; embedding?: Float32Array }>,
  ): Promise<void>;
  deleteFile(id: string): Promise<void>;

  // runs and steps
  createRun(run: RunRecord): Promise<void>;
  updateRun(id: string, patch: Partial<RunRecord>): Promise<void>;
  getRun(id: string): Promise<RunRecord | null>;
  listSteps(runId: string): Promise<StepRecord[]>;
  /** Runs in created order (newest first with order "desc"), filtered. */
  listRuns(q: RunQuery): Promise<RunRecord[]>;
  /** The messages a run stored (its input first), paged by message id. */
  listRunMessages(runId: string, q: Page): Promise<MessageRecord[]>;
  /** The owner this store stamps on the runs it creates (this process). */
  readonly runOwner: RunOwner;
  /** Marks failed (stop reason "error", completed at `completedAt`) every created or running run whose owner
   * `isLive` says is gone (owner null: a run from before owners were recorded), and sets its agent's
   * lastStopReason "error" and lastRunAt unless a run of that agent ended after it began; returns the runs. */
  failOrphanRuns(isLive: (owner: RunOwner | null) => boolean, completedAt: string): Promise<RunRecord[]>;
  /** Applies one step's changes atomically: all or nothing. */
  commitStep(commit: StepCommit): Promise<void>;
  /** Applies messages + agent patch outside a step (reset, initial messages), atomically; with `run`, also
   * creates that run in the same transaction (a run's start and its input commit together); a run created
   * before (status "created") takes the new status and owner and keeps its createdAt. */
  commitMessages(
    agentId: string,
    messages: MessageRecord[],
    agentPatch: StepCommit["agentPatch"],
    run?: RunRecord,
  ): Promise<void>;

  // compressed-memory tier (src/cr): opaque node blobs per agent
  putMemoryNodes(
    agentId: string,
    tier: string,
    nodes: Array<{ id: string; data: Uint8Array }>,
  ): Promise<void>;
  getMemoryNodes(agentId: string, tier: string): Promise<Array<{ id: string; data: Uint8Array }>>;

  // open files (file tools): which files an agent has open, with the window of lines it sees
  /** Opens a file for an agent at a window, or moves the window of an open file (openedAt = now). */
  openFile(
    agentId: string,
    fileId: string,
    window: { offset: number; length: number },
    now: string,
  ): Promise<void>;
  /** Closes one file; false when it was not open. */
  closeFile(agentId: string, fileId: string): Promise<boolean>;
  /** The agent's open files, least recently opened first. */
  listOpenFiles(agentId: string): Promise<OpenFileRecord[]>;
  /** Closes every file the agent has open; returns how many were open. */
  closeAllFiles(agentId: string): Promise<number>;
}
