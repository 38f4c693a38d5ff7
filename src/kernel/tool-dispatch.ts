// Executing one step's tool calls in order. Every failure — unknown tool, unparsable or wrong-typed
// arguments, a ToolError, any other exception — becomes a Failed tool result the model sees; only
// cancellation escapes, so the step is dropped whole. A call that fails takes back the writes it queued.
import type { Embedder } from "../embed/types.ts";
import { formatToolResult, parseToolArguments } from "../tools/index.ts";
import type { AgentRecord, BlockRecord, StoreReader, ToolCallRecord } from "../store/types.ts";
import { type ToolContext, ToolError } from "../tools/types.ts";
import type { StepWriteLog } from "./step-writes.ts";
import type { ResolvedTool } from "./tool-specs.ts";

/** Outcome of one tool call. */
export interface ToolOutcome {
  call: ToolCallRecord;
  status: "OK" | "Failed";
  /** The tool result text as stored (already wrapped by formatToolResult). */
  content: string;
  requestHeartbeat: boolean;
  /** Labels of the blocks this call changed. */
  editedLabels: string[];
}

// Search results are what the model asked for; Letta does not truncate them either.
const UNTRUNCATED = new Set(["conversation_search", "archival_memory_search"]);

export interface DispatchInput {
  agent: AgentRecord;
  blocks: BlockRecord[];
  tools: Map<string, ResolvedTool>;
  store: StoreReader;
  embedder: Embedder | null;
  writes: StepWriteLog;
  /** This call's position in the step (its writes are tagged with it). */
  index: number;
  runId: string;
  now: string;
  signal?: AbortSignal;
  run?: ToolContext["run"];
  agents?: ToolContext["agents"];
}

function errorText(e: unknown): string {
  if (e instanceof ToolError) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `Error: ${msg}`;
}

/** A failed outcome of `call` with `message` (already "Error: ..." text). */
export function failedOutcome(
  call: ToolCallRecord,
  message: string,
  now: string,
  requestHeartbeat = false,
): ToolOutcome {
  return {
    call,
    status: "Failed",
    content: formatToolResult("Failed", message, now),
    requestHeartbeat,
    editedLabels: [],
  };
}

/** Runs one tool call; never throws except on cancellation. */
export async function dispatchToolCall(call: ToolCallRecord, input: DispatchInput): Promise<ToolOutcome> {
  const heartbeats = input.agent.settings.heartbeats;
  const fail = (msg: string, requestHeartbeat = false): ToolOutcome => {
    input.writes.dropCall(input.index);
    return failedOutcome(call, msg, input.now, requestHeartbeat);
  };
  const tool = input.tools.get(call.name);
  if (!tool) {
    const names = [...input.tools.keys()].join(", ");
    return fail(`Error: there is no tool named "${call.name}". Available tools: ${names}.`);
  }
  if (!tool.def) {
    return fail(`Error: the tool "${call.name}" has no implementation this server can run.`);
  }
  const parsed = parseToolArguments(tool.def, call.arguments, { heartbeats });
  if (!parsed.ok) return fail(parsed.error);
  try {
    const text = await tool.def.run(parsed.args, {
      agent: input.agent,
      blocks: input.blocks,
      store: input.store,
      embedder: input.embedder,
      writes: input.writes.forCall(input.index),
      runId: input.runId,
      now: input.now,
      signal: input.signal,
      run: input.run,
      agents: input.agents,
    });
    input.signal?.throwIfAborted();
    const edited = input.writes.editedBlocks(input.index).map((id) => {
      return input.blocks.find((b) => b.id === id)?.label ?? id;
    });
    return {
      call,
      status: "OK",
      content: formatToolResult(
        "OK",
        text,
        input.now,
        UNTRUNCATED.has(call.name) ? 0 : tool.record.returnCharLimit,
      ),
      requestHeartbeat: parsed.requestHeartbeat,
      editedLabels: [...new Set(edited)],
    };
  } catch (e) {
    if (input.signal?.aborted) throw input.signal.reason ?? e;
    return fail(errorText(e), parsed.requestHeartbeat);
  }
}
