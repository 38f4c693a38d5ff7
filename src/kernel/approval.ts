// The step that answers a paused run (Letta's human-in-the-loop): the held assistant message's calls run
// now — approved ones as the model made them, denied ones become failed results carrying the human's reason,
// and the calls that needed no approval run beside them — with no model call. The approval itself is
// stored (as Letta's approval_response) but kept out of the context window; the results enter it and
// the pending approval is cleared, all in the step's one transaction, so a crash before the commit leaves
// the run paused and the approval can be sent again.
import { LmosError } from "../errors.ts";
import { newId } from "../store/index.ts";
import type { MessageRecord, PendingApproval } from "../store/types.ts";
import { decideContinuation } from "./continuation.ts";
import { type MessageOrigin, textMessage } from "./messages.ts";
import { finishStep, type StepInput, type StepOutcome } from "./step-commit.ts";
import { lastToolResult, runToolCalls, toolRunContext } from "./step-tools.ts";
import { StepWriteLog } from "./step-writes.ts";
import { loadView } from "./view.ts";

/** A human's answer to one held tool call. */
export interface ApprovalDecision {
  toolCallId: string;
  approve: boolean;
  reason?: string;
}

/** Letta's text for a denied call (letta/server/rest_api/utils.py:create_tool_returns_for_denials). */
export function denialText(reason: string | undefined): string {
  return `Error: request to call tool denied. User reason: ${reason?.trim() ? reason : "None"}`;
}

/** The decisions checked against what is pending: every held call is answered once, nothing else. */
export function checkApprovals(pending: PendingApproval, approvals: ApprovalDecision[]): ApprovalDecision[] {
  const held = new Map(pending.toolCalls.map((c) => [c.id, c]));
  const seen = new Map<string, ApprovalDecision>();
  for (const a of approvals) {
    if (!held.has(a.toolCallId)) {
      throw new LmosError(
        "invalid_argument",
        `approval for tool call "${a.toolCallId}": that call is not awaiting approval (pending: ${[...held.keys()].join(", ")})`,
      );
    }
    if (seen.has(a.toolCallId)) {
      throw new LmosError("invalid_argument", `tool call "${a.toolCallId}" is answered twice`);
    }
    seen.set(a.toolCallId, a);
  }
  const missing = [...held.keys()].filter((id) => !seen.has(id));
  if (missing.length) {
    throw new LmosError(
      "invalid_argument",
      `approve or deny every pending tool call; no answer for ${missing.join(", ")}`,
    );
  }
  return pending.toolCalls.map((c) => seen.get(c.id) as ApprovalDecision);
}

/** The stored approval response (Letta's approval_response_message): JSON of the decisions. */
function approvalMessage(origin: MessageOrigin, decisions: ApprovalDecision[]): MessageRecord {
  const approvals = decisions.map((d) => ({
    type: "approval",
    tool_call_id: d.toolCallId,
    approve: d.approve,
    reason: d.reason ?? null,
  }));
  return textMessage(origin, "user", JSON.stringify({ type: "approval_response", approvals }), {
    kind: "approval_response",
  });
}

/** Runs the held calls as decided and commits the results; the run then goes on as after any step. */
export async function runApprovalStep(input: StepInput, approvals: ApprovalDecision[]): Promise<StepOutcome> {
  const { deps, cache, agentId, runId, signal } = input;
  const started = performance.now();
  const now = deps.now?.() ?? new Date().toISOString();
  const view = await loadView(deps, cache, agentId);
  const pending = view.agent.pendingApproval;
  if (!pending) throw new LmosError("invalid_argument", "no tool call is awaiting approval");
  const decisions = new Map(checkApprovals(pending, approvals).map((d) => [d.toolCallId, d]));
  // The results belong to the request's step (as in Letta); this run's own step records the work.
  const stepId = newId("step");
  const origin: MessageOrigin = { agentId, runId, stepId, now };
  input.emit({ type: "step-start", runId, agentId, stepId, stepIndex: input.stepIndex });

  const inWindow = view.messages.some((m) => m.id === pending.messageId);
  const request = inWindow
    ? view.messages.find((m) => m.id === pending.messageId)
    : (await deps.store.getMessages([pending.messageId]))[0];
  if (!request) {
    throw new LmosError(
      "internal",
      `the approval request message ${pending.messageId} is gone from the store`,
    );
  }
  const writes = new StepWriteLog(deps.store, agentId, now);
  const answer = approvalMessage(origin, [...decisions.values()]);
  const ran = await runToolCalls(
    request.toolCalls.map((call) => {
      const d = decisions.get(call.id);
      return d && !d.approve ? { call, refused: denialText(d.reason) } : { call };
    }),
    toolRunContext(deps, view, input, writes, origin),
    // A human approved these calls: rules that narrow the next tool do not refuse them (as in Letta).
    { checkRules: false, lastResult: lastToolResult(view.messages) },
  );
  const zero = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const redecide = (outcomes: typeof ran.outcomes) =>
    decideContinuation(
      view.agent.settings,
      { text: "", reasoning: "", toolCalls: [], usage: zero, finishReason: "tool_calls" },
      outcomes,
      false,
      ran.facts,
    );
  const decision = redecide(ran.outcomes);
  return finishStep(input, {
    stepId,
    origin,
    agent: view.agent,
    messages: [answer, ...ran.messages],
    outsideWindow: new Set([answer.id]),
    restoreToWindow: inWindow ? [] : [request.id],
    outcomes: ran.outcomes,
    decision,
    redecide,
    usage: zero,
    writes,
    agentPatch: { pendingApproval: null },
    warned: view.agent.pressureWarned,
    started,
    providerMs: 0,
  });
}
