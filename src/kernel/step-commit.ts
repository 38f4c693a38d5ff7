// The end of a step: from the model's response and the tool outcomes, the messages to store, whether the
// run goes on, and the one transaction that stores it all. A block edit the store refuses at commit (the
// block changed since the model saw it: a replace whose text another agent removed, a rethink over an edit
// committed meanwhile) fails its tool call instead — the model gets the reason as that call's result and,
// being a failed call, another step to act on it — and the step commits again without that call's writes.
// No tool result ever says "updated" for an edit that was not stored.
import { heartbeatMessage } from "../context/index.ts";
import type { ChatResponse } from "../llm/types.ts";
import { BlockEditError, nowIso } from "../store/index.ts";
import type { AgentRecord, LeaseUse, MessageRecord, StepCommit, Usage } from "../store/types.ts";
import { type ContinuationDecision, decideContinuation } from "./continuation.ts";
import { type MessageOrigin, textMessage } from "./messages.ts";
import type { StepWriteLog } from "./step-writes.ts";
import { failedOutcome, type ToolOutcome } from "./tool-dispatch.ts";
import type { KernelDeps } from "./types.ts";

const EMPTY_REPLY_ALERT =
  "Your last response had no text and no tool call, so nothing reached the user. Reply to the user now (with send_message, or plain text if that is how you answer).";

/** System-alert text in Letta's wire form (a user-role JSON message). */
function systemAlert(message: string, now: string): string {
  return JSON.stringify({ type: "system_alert", message, time: now });
}

export interface StepDraft {
  deps: KernelDeps;
  origin: MessageOrigin & { stepId: string; runId: string };
  agent: AgentRecord;
  stepIndex: number;
  lastAllowed: boolean;
  response: ChatResponse;
  empty: boolean;
  warned: boolean;
  /** The messages before the tool results: a pressure warning, the assistant message. */
  head: MessageRecord[];
  outcomes: ToolOutcome[];
  writes: StepWriteLog;
  lease?: LeaseUse;
  signal?: AbortSignal;
}

export interface CommittedStep {
  messages: MessageRecord[];
  decision: ContinuationDecision;
  edited: Array<{ label: string; tool: string }>;
  /** Set when the run's end was committed with the step. */
  finishedAt: string | null;
}

function build(d: StepDraft): CommittedStep & { commit: StepCommit } {
  const { origin, agent, response, outcomes } = d;
  const now = origin.now;
  const messages = [...d.head];
  for (const o of outcomes) {
    messages.push(textMessage(origin, "tool", o.content, { toolCallId: o.call.id, name: o.call.name }));
  }
  const decision = decideContinuation(agent.settings, response, outcomes, d.empty);
  if (decision.continue && !d.lastAllowed) {
    if (decision.alert === "empty_reply") {
      messages.push(
        textMessage(origin, "user", systemAlert(EMPTY_REPLY_ALERT, now), { kind: "system_alert" }),
      );
    } else if (decision.heartbeat) {
      messages.push(
        textMessage(origin, "user", heartbeatMessage(decision.heartbeat, now), { kind: "heartbeat" }),
      );
    }
  }
  const edited = outcomes.flatMap((o) => o.editedLabels.map((label) => ({ label, tool: o.call.name })));
  // A step after which the run ends writes the run's end with it (one transaction less per run), and
  // gives back the agent's lease in it too.
  const finishedAt = decision.continue ? null : (d.deps.now?.() ?? nowIso());
  const commit: StepCommit = {
    agentId: agent.id,
    step: {
      id: origin.stepId,
      runId: origin.runId,
      agentId: agent.id,
      index: d.stepIndex,
      model: agent.model,
      usage: response.usage as Usage,
      createdAt: now,
    },
    messages,
    ...d.writes.commitFields(),
    agentPatch: {
      inContextMessageIds: [...agent.inContextMessageIds, ...messages.map((m) => m.id)],
      pressureWarned: d.warned,
      ...(edited.length > 0 ? { memoryEditedAt: now } : {}),
      ...(finishedAt ? { lastStopReason: decision.stopReason, lastRunAt: finishedAt } : {}),
    },
    ...(finishedAt
      ? { runPatch: { status: "completed", stopReason: decision.stopReason, completedAt: finishedAt } }
      : {}),
    ...(d.lease ? { lease: { fence: d.lease.fence, release: finishedAt !== null } } : {}),
  };
  return { messages, decision, edited, finishedAt, commit };
}

/** What the failed call's result says when the store refused its edit at commit. */
function refusedAtCommit(e: BlockEditError): string {
  const why = e.message.replace(/^Error: /, "");
  if (e.reason === "stale") return `Error: ${why}`;
  return (
    `Error: your edit was not saved: ${why} The block changed while you worked (another agent sharing it, ` +
    "or a user, edited it); your core memory shows its current value from your next step on."
  );
}

/** Commits the step; refused block edits fail their calls and the rest is committed (see above). */
export async function commitStepDraft(d: StepDraft): Promise<CommittedStep> {
  for (;;) {
    const built = build(d);
    d.signal?.throwIfAborted();
    try {
      await d.deps.store.commitStep(built.commit);
      return built;
    } catch (e) {
      if (!BlockEditError.isBlockEdit(e)) throw e;
      const refused = d.writes.blockEdits()[e.editIndex];
      if (!refused) throw e;
      const o = d.outcomes[refused.call];
      d.writes.dropCall(refused.call);
      d.outcomes[refused.call] = failedOutcome(o.call, refusedAtCommit(e), d.origin.now, o.requestHeartbeat);
    }
  }
}
