// The end of a step: queue the heartbeat or alert the decision asks for, commit everything the step made in
// ONE store transaction (with the run's end when the run stops here), then emit the committed messages.
import { heartbeatMessage } from "../context/index.ts";
import type { ChatResponse } from "../llm/types.ts";
import { nowIso } from "../store/index.ts";
import type { AgentRecord, MessageRecord, StepCommit, Usage } from "../store/types.ts";
import type { ContinuationDecision } from "./continuation.ts";
import type { AgentEvent, StopReason } from "./events.ts";
import { type MessageOrigin, replyOf, textMessage } from "./messages.ts";
import type { ToolOutcome } from "./tool-dispatch.ts";
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
  usage: Usage;
  writes: Pick<StepCommit, "blockUpdates" | "passageInserts" | "passageDeletes">;
  agentPatch?: Pick<StepCommit["agentPatch"], "pendingApproval">;
  warned: boolean;
  started: number;
  providerMs: number;
  /** What the step sent to the model and got back (steps that call no model have none). */
  trace?: { request: (() => unknown) | null; response: ChatResponse };
}

function dedupeBlockUpdates(updates: StepCommit["blockUpdates"]): StepCommit["blockUpdates"] {
  const last = new Map<string, string>();
  for (const u of updates) last.set(u.id, u.value);
  return [...last].map(([id, value]) => ({ id, value }));
}

/** Commits the step and emits what it stored; returns the step's outcome for the run loop. */
export async function finishStep(input: StepInput, r: StepResult): Promise<StepOutcome> {
  const { deps, agentId, runId, signal } = input;
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
  // A step after which the run ends writes the run's end with it (one transaction less per run).
  const finishedAt = decision.continue ? null : (deps.now?.() ?? nowIso());
  const entering = messages.filter((m) => !r.outsideWindow?.has(m.id)).map((m) => m.id);
  const commit: StepCommit = {
    agentId,
    step: { id: stepId, runId, agentId, index: input.stepIndex, model: agent.model, usage, createdAt: now },
    messages,
    blockUpdates: dedupeBlockUpdates(r.writes.blockUpdates),
    passageInserts: r.writes.passageInserts,
    passageDeletes: r.writes.passageDeletes,
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
  };
  signal?.throwIfAborted();
  await deps.store.commitStep(commit);
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
      createdAt: now,
    });
  }

  for (const message of messages) input.emit({ type: "message", runId, agentId, stepId, message });
  for (const e of edited) input.emit({ type: "memory-edit", runId, agentId, stepId, ...e });
  input.emit({ type: "step-finish", runId, agentId, stepId, stepIndex: input.stepIndex, usage });
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
