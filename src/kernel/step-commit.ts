// The end of a step: queue the heartbeat or alert the decision asks for, commit everything the step made in
// ONE store transaction (with the run's end when the run stops here), then emit the committed messages.
// A block edit the store refuses at commit (the block changed since the model saw it: a replace whose text
// another agent removed, a rethink over an edit committed meanwhile) fails its tool call instead — the model
// gets the reason as that call's result and, being a failed call, another step to act on it — and the step
// commits again without that call's writes. No tool result ever says "updated" for an edit not stored.
import { heartbeatMessage } from "../context/index.ts";
import { BlockEditError, nowIso } from "../store/index.ts";
import type { AgentRecord, LeaseUse, MessageRecord, RunChain, StepCommit, Usage } from "../store/types.ts";
import type { ChatResponse } from "../llm/types.ts";
import type { ContinuationDecision } from "./continuation.ts";
import type { AgentEvent, StopReason } from "./events.ts";
import { type MessageOrigin, replyOf, textMessage } from "./messages.ts";
import type { StepWriteLog } from "./step-writes.ts";
import { failedOutcome, type ToolOutcome } from "./tool-dispatch.ts";
import type { ToolRuleSolver } from "./tool-rules.ts";
import type { KernelDeps } from "./types.ts";
import type { MessageCache } from "./view.ts";

export interface StepInput {
  deps: KernelDeps;
  cache: MessageCache;
  agentId: string;
  runId: string;
  stepIndex: number;
  /** True on the last step the limit allows: no heartbeat is queued for a step that will not run. */
  lastAllowed: boolean;
  signal?: AbortSignal;
  streamTokens: boolean;
  emit: (event: AgentEvent) => void;
  /** The run's tool rules and the calls made so far. */
  rules: ToolRuleSolver;
  /** The run's place in a chain of runs (passed on by the multi-agent tools). */
  chain: RunChain | null;
  /** The agent lease the run holds: the step's commit is fenced by it (and releases it when the run ends). */
  lease?: LeaseUse;
}

export interface StepOutcome {
  stepId: string;
  messages: MessageRecord[];
  usage: Usage;
  /** The model asked for (or needs) another step. */
  continue: boolean;
  /** Why the run stops after this step when it does not continue. */
  stopReason: StopReason;
  /** The run's end (run record, the agent's last stop) was committed with this step. */
  finished: boolean;
  replies: string[];
}

const EMPTY_REPLY_ALERT =
  "Your last response had no text and no tool call, so nothing reached the user. Reply to the user now (with send_message, or plain text if that is how you answer).";

/** System-alert text in Letta's wire form (a user-role JSON message). */
function systemAlert(message: string, now: string): string {
  return JSON.stringify({ type: "system_alert", message, time: now });
}

export interface StepResult {
  stepId: string;
  origin: MessageOrigin;
  agent: AgentRecord;
  /** Messages in commit order; all enter the window unless listed in `outsideWindow`. */
  messages: MessageRecord[];
  /** Ids of stored messages kept out of the context window (an approval response). */
  outsideWindow?: Set<string>;
  /** Ids that enter the window before the step's messages (a request message evicted meanwhile). */
  restoreToWindow?: string[];
  outcomes: ToolOutcome[];
  decision: ContinuationDecision;
  /** The decision again for changed outcomes (a call failed at commit). */
  redecide?: (outcomes: ToolOutcome[]) => ContinuationDecision;
  usage: Usage;
  writes: StepWriteLog;
  agentPatch?: Pick<StepCommit["agentPatch"], "pendingApproval">;
  warned: boolean;
  started: number;
  providerMs: number;
  /** What the step sent to the model and got back (steps that call no model have none). */
  trace?: { request: (() => unknown) | null; response: ChatResponse };
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

/** Fails the call whose block edit the store refused: its writes go, its result says why. */
function failRefused(r: StepResult, e: BlockEditError): boolean {
  const refused = r.writes.blockEdits()[e.editIndex];
  const o = refused && r.outcomes[refused.call];
  if (!o) return false;
  r.writes.dropCall(refused.call);
  const failed = failedOutcome(o.call, refusedAtCommit(e), r.origin.now, o.requestHeartbeat);
  r.outcomes = r.outcomes.map((x, i) => (i === refused.call ? failed : x));
  r.messages = r.messages.map((m) =>
    m.role === "tool" && m.toolCallId === o.call.id
      ? { ...m, content: [{ type: "text", text: failed.content }] }
      : m,
  );
  r.decision = r.redecide?.(r.outcomes) ?? { ...r.decision, continue: true, heartbeat: "failed" };
  return true;
}

/** Commits the step and emits what it stored; returns the step's outcome for the run loop. */
export async function finishStep(input: StepInput, r: StepResult): Promise<StepOutcome> {
  for (;;) {
    const built = buildCommit(input, r);
    input.signal?.throwIfAborted();
    try {
      await input.deps.store.commitStep(built.commit);
    } catch (e) {
      if (BlockEditError.isBlockEdit(e) && failRefused(r, e)) continue;
      throw e;
    }
    return emitCommitted(input, r, built);
  }
}

function buildCommit(input: StepInput, r: StepResult) {
  const { deps, agentId, runId } = input;
  const { stepId, origin, agent, decision, usage } = r;
  const now = origin.now;
  const messages = [...r.messages];
  if (decision.continue && !input.lastAllowed) {
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

  const edited = r.outcomes.flatMap((o) => o.editedLabels.map((label) => ({ label, tool: o.call.name })));
  // A step after which the run ends writes the run's end with it (one transaction less per run), and
  // gives back the agent's lease in it too.
  const finishedAt = decision.continue ? null : (deps.now?.() ?? nowIso());
  const entering = messages.filter((m) => !r.outsideWindow?.has(m.id)).map((m) => m.id);
  const commit: StepCommit = {
    agentId,
    step: { id: stepId, runId, agentId, index: input.stepIndex, model: agent.model, usage, createdAt: now },
    messages,
    ...r.writes.commitFields(),
    agentPatch: {
      inContextMessageIds: [...agent.inContextMessageIds, ...(r.restoreToWindow ?? []), ...entering],
      pressureWarned: r.warned,
      ...r.agentPatch,
      ...(edited.length > 0 ? { memoryEditedAt: now } : {}),
      ...(finishedAt ? { lastStopReason: decision.stopReason, lastRunAt: finishedAt } : {}),
    },
    ...(finishedAt
      ? { runPatch: { status: "completed", stopReason: decision.stopReason, completedAt: finishedAt } }
      : {}),
    ...(input.lease ? { lease: { fence: input.lease.fence, release: finishedAt !== null } } : {}),
  };
  return { commit, messages, edited, finishedAt };
}

function emitCommitted(input: StepInput, r: StepResult, built: ReturnType<typeof buildCommit>): StepOutcome {
  const { deps, agentId, runId } = input;
  const { stepId, agent, decision, usage } = r;
  const { messages, edited, finishedAt } = built;
  input.cache.remember(agentId, messages);
  deps.onStepTiming?.({
    agentId,
    stepIndex: input.stepIndex,
    totalMs: performance.now() - r.started,
    providerMs: r.providerMs,
  });
  if (r.trace) {
    deps.onStepTrace?.({
      stepId,
      runId,
      agentId,
      stepIndex: input.stepIndex,
      model: agent.model,
      ...r.trace,
      createdAt: r.origin.now,
    });
  }

  for (const message of messages) input.emit({ type: "message", runId, agentId, stepId, message });
  for (const e of edited) input.emit({ type: "memory-edit", runId, agentId, stepId, ...e });
  input.emit({ type: "step-end", runId, agentId, stepId, stepIndex: input.stepIndex, usage });
  return {
    stepId,
    messages,
    usage,
    continue: decision.continue,
    stopReason: decision.stopReason,
    finished: finishedAt !== null,
    replies: messages.flatMap((m) => replyOf(m, agent.settings.replyMode)),
  };
}
