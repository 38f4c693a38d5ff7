// What every CLI command needs from lmos, in shapes of the CLI's own. Two implementations: local (the library
// on $LMOS_HOME) and remote (a running server over the Letta REST API), so commands never branch on the mode.

/** An agent as the CLI shows it. */
export interface CliAgent {
  id: string;
  name: string;
  description: string | null;
  model: string;
  embedding: string | null;
  contextWindow: number | null;
  blocks: CliBlock[];
  tools: string[];
  sources: string[];
  tags: string[];
  createdAt: string | null;
}

/** A core memory block. */
export interface CliBlock {
  id: string;
  label: string;
  value: string;
  limit: number | null;
  description: string | null;
}

/** An archival passage; score is set when the backend ranks (local search). */
export interface CliPassage {
  id: string;
  text: string;
  tags: string[];
  createdAt: string | null;
  score?: number;
}

/** Where the context window's tokens go; null where the backend cannot tell. */
export interface CliContext {
  contextWindow: number | null;
  total: number | null;
  system: number | null;
  coreMemory: number | null;
  files: number | null;
  summary: number | null;
  messages: number | null;
  tools: number | null;
  inContextMessages: number | null;
  recallMessages: number | null;
  archivalPassages: number | null;
}

export interface CliUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  stepCount: number;
}

/** What a chat shows while a run goes on. `key` groups deltas of one reply or thought; `delta: false` carries the whole text. */
export type ChatEvent =
  | { type: "reasoning"; key: string; text: string; delta: boolean }
  /** `tentative`: text that may yet turn out to be inner monologue (send_message mode, before the message
   * is whole): shown live on a terminal only, counted as a reply only once a whole message confirms it. */
  | { type: "reply"; key: string; text: string; delta: boolean; tentative?: boolean }
  | { type: "tool-call"; name: string; arguments: string }
  | { type: "tool-return"; name: string | null; ok: boolean; text: string }
  | { type: "memory-edit"; label: string; tool: string }
  | { type: "pressure"; action: "warn" | "evict"; evicted?: number }
  | { type: "error"; code: string; message: string }
  | { type: "finish"; stopReason: string; usage: CliUsage };

/** The outcome of a one-shot send. `messages` are Letta-shaped messages the run produced (not the input). */
export interface CliSendResult {
  agentId: string;
  runId: string | null;
  reply: string;
  stopReason: string;
  usage: CliUsage;
  messages: Array<Record<string, unknown>>;
  error?: { code: string; message: string };
}

/** A run as the CLI shows it. */
export interface CliRun {
  id: string;
  agentId: string;
  status: string;
  stopReason: string | null;
  createdAt: string | null;
  completedAt: string | null;
}

export interface CreateAgentOptions {
  name: string;
  model?: string;
  embedding?: string;
  persona?: string;
  human?: string;
}

/** Fields `lmos agents update` changes (absent: unchanged). */
export interface UpdateAgentOptions {
  name?: string;
  model?: string;
  embedding?: string;
}

/** A scheduled wake-up as the CLI shows it. */
export interface CliSchedule {
  id: string;
  agentId: string;
  /** The cron expression, or the one time (ISO). */
  when: string;
  recurring: boolean;
  nextRunAt: string | null;
  message: string | null;
}

export interface CreateScheduleOptions {
  cron?: string;
  at?: string;
  timezone?: string;
  message?: string;
  reason?: string;
}

export interface RunOptionsCli {
  maxSteps?: number;
  signal?: AbortSignal;
}

/** The CLI's view of lmos. Agents are addressed by id or name everywhere. */
export interface Backend {
  /** "local" or the server URL, for messages. */
  readonly where: string;
  listAgents(): Promise<CliAgent[]>;
  createAgent(options: CreateAgentOptions): Promise<CliAgent>;
  getAgent(idOrName: string): Promise<CliAgent>;
  updateAgent(idOrName: string, patch: UpdateAgentOptions): Promise<CliAgent>;
  /** The agent, or null when none has that id or name. */
  findAgent(idOrName: string): Promise<CliAgent | null>;
  deleteAgent(idOrName: string): Promise<void>;
  blocks(agent: string): Promise<CliBlock[]>;
  block(agent: string, label: string): Promise<CliBlock>;
  setBlock(agent: string, label: string, value: string): Promise<CliBlock>;
  archivalInsert(agent: string, text: string, tags: string[]): Promise<CliPassage[]>;
  archivalSearch(
    agent: string,
    query: string,
    options: { tags?: string[]; limit?: number },
  ): Promise<CliPassage[]>;
  send(agent: string, message: string, options?: RunOptionsCli): Promise<CliSendResult>;
  /** Runs the agent on one message, yielding what a chat shows; token deltas where the backend streams them. */
  stream(agent: string, message: string, options?: RunOptionsCli): AsyncIterable<ChatEvent>;
  context(agent: string): Promise<CliContext>;
  /** Empties the context window (messages stay in recall). */
  reset(agent: string): Promise<void>;
  /** The agent as a Letta agent file (.af JSON). */
  exportAgent(agent: string, options: { scrubMessages?: boolean }): Promise<Record<string, unknown>>;
  /** Imports an agent file's text; the new agents' ids. */
  importAgents(fileText: string, options: { name?: string; model?: string }): Promise<string[]>;
  createSchedule(agent: string, options: CreateScheduleOptions): Promise<CliSchedule>;
  listSchedules(agent: string): Promise<CliSchedule[]>;
  deleteSchedule(agent: string, id: string): Promise<void>;
  /** Runs, newest first: of one agent when given, with one of `statuses` when given. */
  listRuns(options: { agent?: string; statuses?: string[]; limit?: number }): Promise<CliRun[]>;
  /** A run and the Letta-shaped messages it stored, its input first. */
  run(id: string): Promise<{ run: CliRun; messages: Array<Record<string, unknown>> }>;
  close(): Promise<void>;
}
