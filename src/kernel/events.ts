// The typed event stream of a run. Deltas stream while the model answers; whole-message events are
// emitted only after the step that made them is committed, so a consumer never sees state that a crash
// could take back. Names follow `<noun>-<verb>` or `<noun>` for committed records; a run and a step end
// with `run-end` / `step-end` (`-end` pairs with `-start`, as STYLE.md asks — the names were `-finish` until
// issue 13). Letta's wire names (stop_reason, usage_statistics) are the server's, not these.
import type { MessageRecord, Usage } from "../store/types.ts";

/** Letta's stop reasons (the subset lmos produces). */
export type StopReason =
  | "end_turn"
  | "max_steps"
  | "error"
  | "llm_api_error"
  | "invalid_llm_response"
  | "cancelled"
  | "no_tool_call"
  | "tool_rule"
  | "requires_approval"
  | "invalid_tool_call"
  | "context_window_overflow_in_system_prompt";

export interface RunUsage extends Usage {
  stepCount: number;
}

interface RunEventBase {
  runId: string;
  agentId: string;
}

export type AgentEvent =
  | (RunEventBase & { type: "run-start" })
  | (RunEventBase & { type: "step-start"; stepId: string; stepIndex: number })
  /** Token deltas of the assistant message being generated (messageId is the id it will be stored under). */
  | (RunEventBase & { type: "reasoning-delta"; stepId: string; messageId: string; delta: string })
  | (RunEventBase & { type: "text-delta"; stepId: string; messageId: string; delta: string })
  | (RunEventBase & {
      type: "tool-call-delta";
      stepId: string;
      messageId: string;
      index: number;
      toolCallId?: string;
      name?: string;
      argumentsDelta: string;
    })
  /** A message the committed step stored (assistant with reasoning/tool calls, tool result, alert, ...). */
  | (RunEventBase & { type: "message"; stepId: string | null; message: MessageRecord })
  /** A core memory block changed in the committed step. */
  | (RunEventBase & { type: "memory-edit"; stepId: string; label: string; tool: string })
  /** Memory pressure: a warning was sent, or messages were evicted into the summary. */
  | (RunEventBase & {
      type: "context-pressure";
      action: "warn" | "evict";
      tokens: number;
      contextWindow: number;
      evicted?: number;
    })
  | (RunEventBase & { type: "step-end"; stepId: string; stepIndex: number; usage: Usage })
  | (RunEventBase & { type: "run-error"; code: string; message: string })
  | (RunEventBase & { type: "run-end"; stopReason: StopReason; usage: RunUsage });
