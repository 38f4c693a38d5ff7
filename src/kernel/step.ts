// One agent step: load, handle memory pressure, compile, call the model, run the tool calls, decide
// whether to continue, and commit everything the step produced in ONE store transaction. Whole-message
// events are emitted only after that commit; a step that throws (provider error, cancellation) commits
// nothing.
import { assessPressure, pressureWarningMessage } from "../context/index.ts";
import { parseHandle } from "../llm/index.ts";
import type { ChatDelta, ChatResponse } from "../llm/types.ts";
import { newId, nowIso } from "../store/index.ts";
import type { LeaseUse, MessageRecord, ToolCallRecord, Usage } from "../store/types.ts";
import type { AgentEvent, StopReason } from "./events.ts";
import { assistantMessage, type MessageOrigin, replyOf, textMessage } from "./messages.ts";
import { evictEvent, evictIntoSummary } from "./pressure.ts";
import { commitStepDraft } from "./step-commit.ts";
import { StepWriteLog } from "./step-writes.ts";
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

/** Loads the view and applies memory pressure (warn or evict) before the model sees it. */
async function prepare(input: StepInput, now: string, origin: MessageOrigin) {
  const { deps, cache, agentId, runId, signal } = input;
  let view: StepView = await loadView(deps, cache, agentId);
  let compiled: CompiledView = compileView(view, now);
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
      compiled = compileView(view, now);
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
      compiled = compileView(view, now, pending);
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
  const head: MessageRecord[] = [...pending];
  if (!empty || response.reasoning) head.push(assistant);

  const writes = new StepWriteLog(deps.store, agentId, now);
  const blocks = view.blocks.map((b) => ({ ...b }));
  const outcomes: ToolOutcome[] = [];
  for (const [index, call] of calls.entries()) {
    const outcome = await dispatchToolCall(call, {
      agent,
      blocks,
      tools: view.tools,
      store: deps.store,
      embedder: deps.embedderFor(agent.embedding),
      writes,
      index,
      runId,
      now,
      signal,
    });
    outcomes.push(outcome);
  }

  const usage = response.usage;
  const { messages, decision, edited, finishedAt } = await commitStepDraft({
    deps,
    origin: { ...origin, stepId, runId },
    agent,
    stepIndex: input.stepIndex,
    lastAllowed: input.lastAllowed,
    response,
    empty,
    warned,
    head,
    outcomes,
    writes,
    lease: input.lease,
    signal,
  });
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
