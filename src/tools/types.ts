// The Tool contract. Base tools (memory, search, files) and custom tools all implement it; the kernel
// validates arguments against `schema` before `run`, and sends any thrown ToolError back to the model.
import type { z } from "zod";
import type { AgentRecord, BlockRecord, StepCommit, Store } from "../store/types.ts";
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
