// The Tool contract. Base tools (memory, search, files) and custom tools all implement it; the kernel
// validates arguments against `schema` before `run`, and sends any thrown ToolError back to the model.
import type { z } from "zod";
import type {
  AgentRecord,
  BlockEdit,
  BlockRecord,
  OpenFileRecord,
  PassageRecord,
  RunChain,
  StoreReader,
} from "../store/types.ts";
import type { Embedder } from "../embed/types.ts";

/** The writes a tool may make: queued for its step and committed with it, all or nothing (nothing a tool
 * does reaches the store before the step's transaction, so a cancelled or failed step leaves no trace). */
export interface StepWrites {
  /** Queues a core-memory edit, applied at commit to the block's value as it is then (store BlockEdit); an
   * edit that cannot apply then turns this call's result into the error that says why. */
  editBlock(edit: BlockEdit): void;
  insertPassage(passage: PassageRecord, embedding?: Float32Array): void;
  deletePassage(id: string): void;
  /** Opens a file at a window of lines or moves its window; null closes it. */
  setFileWindow(fileId: string, window: { offset: number; length: number } | null): void;
  /** The agent's open files as this step leaves them so far, least recently opened first. */
  openFiles(): Promise<OpenFileRecord[]>;
}

/** What a tool may read and change during one step. */
export interface ToolContext {
  agent: AgentRecord;
  /** The agent's core memory blocks as they stand in this step (its own edits already applied). */
  blocks: BlockRecord[];
  /** Reads only: writes go through `writes`. */
  store: StoreReader;
  embedder: Embedder | null;
  writes: StepWrites;
  /** The run this step belongs to (absent outside a run). */
  runId?: string;
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
  /** zod schema of the arguments; its JSON Schema is what the model sees unless `parameters` is given. */
  schema: z.ZodType<A>;
  /** The JSON Schema the model sees, when it comes from outside (a custom tool's json_schema, an MCP
   *  tool) and `schema` only validates against it. */
  parameters?: Record<string, unknown>;
  /** Letta tool_type, e.g. "letta_core", "letta_memory_core", "letta_files_core", "custom". */
  toolType: string;
  /** Returns the text the model sees as the tool result. Throw ToolError for a failure the model can act on. */
  run(args: A, ctx: ToolContext): Promise<string>;
}

export { ToolError } from "../errors.ts";

// Reading back what tools wrote. Here, in the contract file, because the remote CLI reads them too and must
// not load the tools (tools/index.ts pulls in memory, the store and the tokenizer).

/** A tool result as Letta packages it ({"status","message","time"}, formatToolResult): whether it
 * succeeded and its message; a result that is not the envelope counts as a success and is its own text. */
export function parseToolResult(text: string): { ok: boolean; text: string } {
  try {
    const r = JSON.parse(text) as { status?: unknown; message?: unknown };
    if (r && typeof r === "object" && "status" in r) {
      const msg = typeof r.message === "string" ? r.message : JSON.stringify(r.message ?? null);
      return { ok: r.status !== "Failed", text: msg };
    }
  } catch {
    // not the envelope
  }
  return { ok: true, text };
}

/** send_message's `message` argument (the reply to the user), or null when the call is malformed. */
export function sendMessageText(args: string): string | null {
  try {
    const parsed = JSON.parse(args) as { message?: unknown } | null;
    return typeof parsed?.message === "string" ? parsed.message : null;
  } catch {
    return null;
  }
}
