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

/** A tool failure reported to the model as the tool's result; never crashes a run. */
export class ToolError extends Error {
  override readonly name = "ToolError";
}
