// One agent step: load, handle memory pressure, compile, call the model, run the tool calls, decide
// whether to continue, and commit everything the step produced in ONE store transaction. Whole-message
// events are emitted only after that commit; a step that throws (provider error, cancellation) commits
// nothing.
import { assessPressure, heartbeatMessage, pressureWarningMessage } from "../context/index.ts";
import { parseHandle } from "../llm/index.ts";
import type { ChatDelta, ChatResponse } from "../llm/types.ts";
import { newId, nowIso } from "../store/index.ts";
import type { MessageRecord, StepCommit, ToolCallRecord, Usage } from "../store/types.ts";
import { decideContinuation } from "./continuation.ts";
import type { AgentEvent, StopReason } from "./events.ts";
import { assistantMessage, type MessageOrigin, replyOf, textMessage } from "./messages.ts";
import { evictEvent, evictIntoSummary } from "./pressure.ts";
import { dispatchToolCall, type ToolOutcome } from "./tool-dispatch.ts";
import type { KernelDeps } from "./types.ts";
import { compileView, type CompiledView, loadView, type MessageCache, type StepView } from "./view.ts";

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

/** Loads the view and applies memory pressure (warn or evict) before the model sees it. */
async function prepare(input: StepInput, now: string, origin: MessageOrigin) {
  const { deps, cache, agentId, runId, signal } = input;
  let view: StepView = await loadView(deps, cache, agentId);
  let compiled: CompiledView = await compileView(view, now);
  const pending: MessageRecord[] = [];
  let warned = view.agent.pressureWarned;
  for (let attempt = 0; attempt < 3; attempt++) {
    const level = assessPressure(compiled.breakdown.total, view.contextWindow, view.agent.settings, warned);
    if (level === "evict") {
      const tokens = compiled.breakdown.total;
      const result = await evictIntoSummary(deps, cache, view, signal);
      if (!result) return { view, compiled, pending, warned, overflow: true };
      input.emit(evictEvent(runId, agentId, tokens, view.contextWindow, result.evicted));
      view = await loadView(deps, cache, agentId);
      compiled = await compileView(view, now);
      warned = false;
      continue;
    }
    if (level === "warn") {
      const warning = textMessage(origin, "user", pressureWarningMessage(now), { kind: "system_alert" });
      pending.push(warning);
      warned = true;
      input.emit({
        type: "context-pressure",
        runId,
        agentId,
        action: "warn",
        tokens: compiled.breakdown.total,
        contextWindow: view.contextWindow,
      });
      compiled = await compileView(view, now, pending);
    }
    return { view, compiled, pending, warned, overflow: false };
  }
  return { view, compiled, pending, warned, overflow: true };
}

function deltaEvent(input: StepInput, stepId: string, messageId: string, d: ChatDelta): AgentEvent {
  const base = { runId: input.runId, agentId: input.agentId, stepId, messageId };
  if (d.type === "text-delta") return { ...base, type: "text-delta", delta: d.text };
  if (d.type === "reasoning-delta") return { ...base, type: "reasoning-delta", delta: d.text };
  return {
    ...base,
    type: "tool-call-delta",
    index: d.index,
    toolCallId: d.id,
    name: d.name,
    argumentsDelta: d.argumentsDelta,
  };
}

/** Runs one step to its commit. Throws on provider failure or cancellation (nothing committed). */
export async function runStep(input: StepInput): Promise<StepOutcome> {
  const { deps, agentId, runId, signal } = input;
  const started = performance.now();
  const now = deps.now?.() ?? nowIso();
  const stepId = newId("step");
  const origin: MessageOrigin = { agentId, runId, stepId, now };
  input.emit({ type: "step-start", runId, agentId, stepId, stepIndex: input.stepIndex });

  const { view, compiled, pending, warned, overflow } = await prepare(input, now, origin);
  const zero: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  if (overflow) {
    return {
      stepId,
      messages: [],
      usage: zero,
      continue: false,
      stopReason: "context_window_overflow_in_system_prompt",
      replies: [],
      finished: false,
    };
  }
  const { agent } = view;
  const provider = deps.providerFor(agent.model);
  const messageId = newId("message");
  const providerStart = performance.now();
  const response: ChatResponse = await provider.chat(
    {
      model: parseHandle(agent.model).model,
      messages: compiled.chat,
      tools: [...view.tools.values()].map((t) => t.spec),
      toolChoice: "auto",
    },
    {
      signal,
      onDelta: input.streamTokens ? (d) => input.emit(deltaEvent(input, stepId, messageId, d)) : undefined,
    },
  );
  const providerMs = performance.now() - providerStart;
  signal?.throwIfAborted();

  const calls: ToolCallRecord[] = response.toolCalls.map((c, i) => ({
    id: c.id || `call_${stepId.slice(-8)}_${i}`,
    name: c.name,
    arguments: c.arguments,
  }));
  const assistant = assistantMessage(origin, messageId, response.text, response.reasoning, calls);
  const empty = !response.text.trim() && calls.length === 0;
  const messages: MessageRecord[] = [...pending];
  if (!empty || response.reasoning) messages.push(assistant);

  const writes: Pick<StepCommit, "blockUpdates" | "passageInserts" | "passageDeletes"> = {
    blockUpdates: [],
    passageInserts: [],
    passageDeletes: [],
  };
  const blocks = view.blocks.map((b) => ({ ...b }));
  const outcomes: ToolOutcome[] = [];
  for (const call of calls) {
    const outcome = await dispatchToolCall(call, {
      agent,
      blocks,
      tools: view.tools,
      store: deps.store,
      embedder: deps.embedderFor(agent.embedding),
      pending: writes,
      now,
      signal,
    });
    outcomes.push(outcome);
    messages.push(textMessage(origin, "tool", outcome.content, { toolCallId: call.id, name: call.name }));
  }

  const decision = decideContinuation(agent.settings, response, outcomes, empty);
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

  const usage = response.usage;
  const edited = outcomes.flatMap((o) => o.editedLabels.map((label) => ({ label, tool: o.call.name })));
  // A step after which the run ends writes the run's end with it (one transaction less per run).
  const finishedAt = decision.continue ? null : (deps.now?.() ?? nowIso());
  const commit: StepCommit = {
    agentId,
    step: { id: stepId, runId, agentId, index: input.stepIndex, model: agent.model, usage, createdAt: now },
    messages,
    blockUpdates: dedupeBlockUpdates(writes.blockUpdates),
    passageInserts: writes.passageInserts,
    passageDeletes: writes.passageDeletes,
    agentPatch: {
      inContextMessageIds: [...agent.inContextMessageIds, ...messages.map((m) => m.id)],
      pressureWarned: warned,
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
    totalMs: performance.now() - started,
    providerMs,
  });

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

function dedupeBlockUpdates(updates: StepCommit["blockUpdates"]): StepCommit["blockUpdates"] {
  const last = new Map<string, string>();
  for (const u of updates) last.set(u.id, u.value);
  return [...last].map(([id, value]) => ({ id, value }));
}
