// What a run takes: text, messages, or an approval, and the options of a run.

export type InputMessage = { role: "user" | "system" | "assistant"; content: string; name?: string };

/** A human's answer to a run paused with stop reason requires_approval: one decision per held call
 * (the pending calls are in `agent.record.pendingApproval`). A denial's reason reaches the model. */
export interface ApprovalInput {
  approvals: Array<{ toolCallId: string; approve: boolean; reason?: string }>;
}

/** What a run takes: text, messages, or an approval of the calls a paused run holds. */
export type AgentInput = string | InputMessage[] | ApprovalInput;

export interface RunOptions {
  maxSteps?: number;
  signal?: AbortSignal;
  /** Ask the provider for token-level deltas (stream only; send ignores it). */
  streamTokens?: boolean;
}
