// One agent step: load, handle memory pressure, compile, call the model with the tools the rules allow,
// run the tool calls (or hold them for a human's approval), decide whether to continue, and commit
// everything the step produced in ONE store transaction (step-commit.ts). Whole-message events are emitted
// only after that commit; a step that throws (provider error, cancellation) commits nothing.
import { assessPressure, pressureWarningMessage } from "../context/index.ts";
import { parseHandle } from "../llm/index.ts";
import type { ChatDelta, ChatResponse } from "../llm/types.ts";
import { newId, nowIso } from "../store/index.ts";
import type { MessageRecord, ToolCallRecord, Usage } from "../store/types.ts";
import { type ContinuationDecision, decideContinuation } from "./continuation.ts";
import type { AgentEvent } from "./events.ts";
import { assistantMessage, type MessageOrigin, textMessage } from "./messages.ts";
import { evictEvent, evictIntoSummary } from "./pressure.ts";
import { finishStep, type StepInput, type StepOutcome } from "./step-commit.ts";
import { lastToolResult, runToolCalls, toolRunContext } from "./step-tools.ts";
import { StepWriteLog } from "./step-writes.ts";
import type { ToolOutcome } from "./tool-dispatch.ts";
import { compileView, type CompiledView, loadView, type StepView } from "./view.ts";

export type { StepInput, StepOutcome } from "./step-commit.ts";

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
  // The rules narrow the tools offered, and force a tool call while an init or child rule is active.
  const offered = input.rules.allowed([...view.tools.keys()], lastToolResult(view.messages));
  const tools = [...view.tools.values()].filter((t) => offered.has(t.record.name)).map((t) => t.spec);
  const providerStart = performance.now();
  const sent: { body: (() => unknown) | null } = { body: null };
  const response: ChatResponse = await provider.chat(
    {
      model: parseHandle(agent.model).model,
      messages: compiled.chat,
      tools,
      toolChoice: input.rules.mustCallTool() && tools.length > 0 ? "required" : "auto",
    },
    {
      signal,
      onDelta: input.streamTokens ? (d) => input.emit(deltaEvent(input, stepId, messageId, d)) : undefined,
      onRequest: deps.onStepTrace
        ? (body) => {
            sent.body = body;
          }
        : undefined,
    },
  );
  const providerMs = performance.now() - providerStart;
  signal?.throwIfAborted();

  const calls: ToolCallRecord[] = response.toolCalls.map((c, i) => ({
    id: c.id || `call_${stepId.slice(-8)}_${i}`,
    name: c.name,
    arguments: c.arguments,
  }));
  const empty = !response.text.trim() && calls.length === 0;
  const messages: MessageRecord[] = [...pending];
  const writes = new StepWriteLog(deps.store, agentId, now);
  const common = {
    stepId,
    origin,
    agent,
    usage: response.usage,
    writes,
    warned,
    started,
    providerMs,
    trace: { request: sent.body, response },
  };

  // A call that needs a human's approval holds the whole response, as Letta does: nothing runs until the
  // approval (or denial) arrives in the next run; the run stops with requires_approval.
  const held = calls.filter((c) => view.tools.has(c.name) && input.rules.requiresApproval(c.name));
  if (held.length > 0) {
    const marked = calls.map((c) => (held.includes(c) ? { ...c, requiresApproval: true } : c));
    const request = {
      ...assistantMessage(origin, messageId, response.text, response.reasoning, marked),
      kind: "approval_request",
    };
    const decision: ContinuationDecision = {
      continue: false,
      stopReason: "requires_approval",
      heartbeat: null,
      alert: null,
    };
    return finishStep(input, {
      ...common,
      messages: [...messages, request],
      outcomes: [],
      decision,
      agentPatch: {
        pendingApproval: {
          messageId,
          runId,
          stepId,
          toolCalls: marked.filter((c) => c.requiresApproval),
          createdAt: now,
        },
      },
    });
  }

  const assistant = assistantMessage(origin, messageId, response.text, response.reasoning, calls);
  if (!empty || response.reasoning) messages.push(assistant);
  const ran = await runToolCalls(
    calls.map((call) => ({ call })),
    toolRunContext(deps, view, input, writes, origin),
    { checkRules: true, lastResult: lastToolResult(view.messages) },
  );
  messages.push(...ran.messages);
  const outcomes: ToolOutcome[] = ran.outcomes;
  const redecide = (o: ToolOutcome[]) => decideContinuation(agent.settings, response, o, empty, ran.facts);
  return finishStep(input, { ...common, messages, outcomes, decision: redecide(outcomes), redecide });
}
