// What the kernel needs from the outside (injected by runtime) and what a run takes as input.
import type { Embedder } from "../embed/types.ts";
import type { ChatResponse, ModelInfo, Provider } from "../llm/types.ts";
import type { AgentRecord, RunChain, Store, ToolRecord } from "../store/types.ts";
import type { AgentMessenger, ToolDefinition } from "../tools/types.ts";
import type { AgentEvent } from "./events.ts";
import type { LeasePolicy } from "./lease.ts";

/** A source of extra context sections (open files, the compressor-retriever tier, ...). */
export interface ContextExtension {
  name: string;
  /** Text of the section for this agent, or null when it has nothing to show. */
  render(agentId: string): Promise<string | null>;
  /** Called after an eviction, so the extension can shed what it holds (close files, ...). */
  onPressure?(agentId: string): Promise<void>;
}

/** Where the time of a step goes; the benchmark uses it to subtract the provider round-trip. */
export interface StepTiming {
  agentId: string;
  stepIndex: number;
  /** Wall time of the whole step, provider call included. */
  totalMs: number;
  /** Time spent awaiting the provider (chat call). */
  providerMs: number;
}

/** What one committed step sent to the model and what came back (for a UI's "exact request" view). */
export interface StepTrace {
  stepId: string;
  runId: string;
  agentId: string;
  stepIndex: number;
  model: string;
  /** The request body as the driver sent it, decoded on call (null when the driver did not report it). */
  request: (() => unknown) | null;
  response: ChatResponse;
  createdAt: string;
}

/** Everything the kernel uses; runtime builds it (the kernel never picks implementations). */
export interface KernelDeps {
  store: Store;
  /** The provider of a model handle; throws LmosError("no_provider") when it is not configured. */
  providerFor(handle: string): Provider;
  /** Model facts (context window) of an agent, honouring its override. */
  modelFor(agent: AgentRecord): ModelInfo;
  /** The embedder of an embedding handle (null handle → null: lexical only). */
  embedderFor(handle: string | null): Embedder | null;
  /** The implementation of an attached tool, or null when it has none (the call then fails to the model). */
  toolFor(record: ToolRecord): ToolDefinition | null;
  extensions?: ContextExtension[];
  /** Delivers messages between agents for the multi-agent tools (absent: those tools fail to the model). */
  messenger?: AgentMessenger;
  /** ISO time source (tests may pin it). */
  now?: () => string;
  /** Agent leases among processes sharing the store (lease.ts); absent: runs serialise in-process only. */
  leases?: LeasePolicy;
  onStepTiming?: (t: StepTiming) => void;
  /** Called after every committed step with what it sent to the model and got back. */
  onStepTrace?: (t: StepTrace) => void;
}

/** An input message of a run. */
export interface KernelInputMessage {
  role: "user" | "system" | "assistant";
  content: string;
  name?: string;
}

/** What starts a run: messages from outside, or a timed wake-up with no message from anyone. */
export type RunInput =
  | { type: "messages"; messages: KernelInputMessage[] }
  /** A wake-up may carry messages (a scheduled message): they follow the heartbeat. */
  | { type: "wakeup"; reason?: string; messages?: KernelInputMessage[] }
  /** Answers a run paused with stop reason requires_approval: one decision per held tool call. */
  | { type: "approval"; approvals: Array<{ toolCallId: string; approve: boolean; reason?: string }> };

export interface KernelRunOptions {
  maxSteps?: number;
  signal?: AbortSignal;
  /** Ask the provider for token-level deltas (emitted as *-delta events). */
  streamTokens?: boolean;
  /** Receives every event as it happens. */
  onEvent?: (event: AgentEvent) => void;
  /** Use this run id (runtime allocates it to expose it early, e.g. for cancel). */
  runId?: string;
  /** The run's place in a chain of runs (an agent's message, a group turn, a sleep-time run, a schedule). */
  chain?: RunChain | null;
}
