// The Tool contract. Base tools (memory, search, files) and custom tools all implement it; the kernel
// validates arguments against `schema` before `run`, and sends any thrown ToolError back to the model.
import type { z } from "zod";
import type { AgentRecord, BlockRecord, RunChain, StepCommit, Store } from "../store/types.ts";
import type { Embedder } from "../embed/types.ts";

/** What a tool may read and change during one step. Writes go to `pending`, committed with the step. */
export interface ToolContext {
  agent: AgentRecord;
  /** The agent's core memory blocks as they stand in this step (edits already applied in memory). */
  blocks: BlockRecord[];
  store: Store;
  embedder: Embedder | null;
  /** Writes collected for this step's transaction. */
  pending: Pick<StepCommit, "blockUpdates" | "passageInserts" | "passageDeletes">;
  /** ISO time of this step. */
  now: string;
  signal?: AbortSignal;
  /** The run this step belongs to and its chain (multi-agent tools pass it on to the runs they start). */
  run?: { id: string; chain: RunChain | null };
  /** Messages to other agents (the multi-agent tools); absent where lmos has no messenger. */
  agents?: AgentMessenger;
}

/** A message from the agent of a run to another agent. */
export interface AgentMessageRequest {
  from: AgentRecord;
  runId: string;
  chain: RunChain | null;
  to: string;
  /** The text the receiver sees (with Letta's "[Incoming message from agent …]" prefix). */
  text: string;
}

/** How tools reach other agents; runtime implements it over the job queue and the runner. */
export interface AgentMessenger {
  /** Queues the message as a run of the receiver and returns at once (the run id). Throws ToolError
   * when the chain's budget is spent or the receiver does not exist. */
  send(request: AgentMessageRequest): Promise<{ runId: string }>;
  /** Runs the receiver on the message and waits for its replies (at most `timeoutMs`). */
  sendAndWait(
    request: AgentMessageRequest,
    timeoutMs?: number,
  ): Promise<{ agentId: string; runId: string; replies: string[] }>;
  /** Agents with every tag of matchAll and one of matchSome (either may be empty), the sender left out. */
  matchingTags(matchAll: string[], matchSome: string[], except: string): Promise<AgentRecord[]>;
  /** The members of the sender's groups it supervises (a supervisor's workers). */
  groupMembers(supervisorId: string): Promise<AgentRecord[]>;
}

export interface ToolDefinition<A = any> {
  name: string;
  description: string;
  /** zod schema of the arguments; its JSON Schema is what the model sees. */
  schema: z.ZodType<A>;
  /** Letta tool_type, e.g. "letta_core", "letta_memory_core", "letta_files_core", "custom". */
  toolType: string;
  /** Returns the text the model sees as the tool result. Throw ToolError for a failure the model can act on. */
  run(args: A, ctx: ToolContext): Promise<string>;
}

/** A tool failure reported to the model as the tool's result; never crashes a run. */
export class ToolError extends Error {
  override readonly name = "ToolError";
}
