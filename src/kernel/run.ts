// A run: the input is committed first (nothing is lost if the model then fails), then steps run until the
// model yields, the step limit is hit, the provider fails, or the run is cancelled. Usage adds up over
// steps. The run record in the store ends completed, failed or cancelled with its stop reason.
import { replyReserve } from "../context/index.ts";
import { LmosError } from "../errors.ts";
import { createTokenCounter } from "../llm/index.ts";
import { newId, nowIso } from "../store/index.ts";
import type { AgentRecord, AgentSettings, MessageRecord } from "../store/types.ts";
import { checkApprovals, runApprovalStep } from "./approval.ts";
import type { AgentEvent, RunUsage, StopReason } from "./events.ts";
import type { HeldLease } from "./lease.ts";
import { type MessageOrigin, textMessage } from "./messages.ts";
import { storeRunEnd } from "./run-end.ts";
import { runStep } from "./step.ts";
import { ToolRuleSolver } from "./tool-rules.ts";
import type { KernelDeps, KernelRunOptions, RunInput } from "./types.ts";
import type { MessageCache } from "./view.ts";

/** Default step limit per run (Letta's DEFAULT_MAX_STEPS). */
export const DEFAULT_MAX_STEPS = 50;

export interface KernelRunResult {
  runId: string;
  agentId: string;
  stopReason: StopReason;
  /** Every message the run stored, input first, in order. */
  messages: MessageRecord[];
  events: AgentEvent[];
  usage: RunUsage;
  /** What the user was told: send_message arguments or reply text, in order. */
  replies: string[];
  /** How the agent's replies reach the user (its settings when the run began): what a caller needs to
   * render `messages`, carried out so that nobody re-reads the agent after the run to learn it. */
  replyMode: AgentSettings["replyMode"];
  /** Set when the run failed (provider error after retries, or an internal error). */
  error?: { code: string; message: string };
}

const HIDDEN = "[This is an automated system message hidden from the user] ";

/** The stored messages of the run's input. System input reaches the model as a system alert. */
function inputMessages(origin: MessageOrigin, input: RunInput): MessageRecord[] {
  // An approval is stored by the step that acts on it, with the results (approval.ts).
  if (input.type === "approval") return [];
  const wake: MessageRecord[] = [];
  if (input.type === "wakeup") {
    const reason = `${HIDDEN}Timed wake-up${input.reason ? `: ${input.reason}` : ""}.`;
    const text = JSON.stringify({ type: "heartbeat", reason, time: origin.now });
    wake.push(textMessage(origin, "user", text, { kind: "wakeup" }));
  }
  const given = input.type === "wakeup" ? (input.messages ?? []) : input.messages;
  return wake.concat(
    given.map((m) => {
      if (m.role === "system") {
        const text = JSON.stringify({ type: "system_alert", message: m.content, time: origin.now });
        return textMessage(origin, "user", text, { kind: "system_alert", name: m.name });
      }
      return textMessage(origin, m.role, m.content, { name: m.name });
    }),
  );
}

function isCancellation(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return e instanceof Error && (e.name === "AbortError" || (LmosError.is(e) && e.code === "cancelled"));
}

/**
 * Refuses (payload_too_large, before anything is stored) an input that cannot fit the agent's context
 * window even alone: stored, it would fail every step until evicted, and a provider would reject it. Long
 * texts are counted on the token worker, and only up to the limit, so a 5 MB blob costs a fraction of a
 * second of the worker's time and none of the main thread's.
 */
async function refuseOversizedInput(deps: KernelDeps, agent: AgentRecord, input: RunInput): Promise<void> {
  if (input.type !== "messages") return;
  const { contextWindow } = deps.modelFor(agent);
  const limit = contextWindow - replyReserve(contextWindow);
  const tokens = createTokenCounter(agent.model);
  let total = 0;
  for (const m of input.messages) {
    total += await tokens.countAsync(m.content, limit - total);
    if (total > limit) {
      throw new LmosError(
        "payload_too_large",
        `the input is more than ${limit} tokens, so it cannot fit the context window of agent ${agent.name} ` +
          `(${contextWindow} tokens, ${contextWindow - limit} of them kept for the reply): send it in parts, ` +
          "or upload it to a folder attached to the agent (documents are searched, not held in the window)",
      );
    }
  }
}

/** A paused agent takes only an approval; an approval needs a paused agent (Letta's PENDING_APPROVAL). */
export function checkPending(agent: AgentRecord, input: RunInput): void {
  const pending = agent.pendingApproval;
  if (input.type === "approval") {
    if (!pending) {
      throw new LmosError(
        "invalid_argument",
        "Cannot process approval response: no tool call is currently awaiting approval. Send a regular message to interact with the agent.",
      );
    }
    checkApprovals(pending, input.approvals);
    return;
  }
  if (pending) {
    const ids = pending.toolCalls.map((c) => `${c.name} (${c.id})`).join(", ");
    throw new LmosError(
      "conflict",
      `PENDING_APPROVAL: the agent is waiting for approval of ${ids} (request ${pending.messageId}). Approve or deny it before sending a new message.`,
    );
  }
}

const PROVIDER_CODES = new Set(["provider_error", "provider_timeout", "no_provider"]);

/** Runs an agent on one input to completion. Throws only before anything is stored (unknown agent, no provider).
 * With `lease` (the runner's, lease.ts) every commit is fenced by it and the last one gives it back. */
export async function runAgent(
  deps: KernelDeps,
  cache: MessageCache,
  agentId: string,
  input: RunInput,
  options: KernelRunOptions = {},
  lease?: HeldLease,
): Promise<KernelRunResult> {
  const agent = await deps.store.getAgent(agentId);
  if (!agent) throw new LmosError("not_found", `agent ${agentId} not found`);
  checkPending(agent, input);
  deps.providerFor(agent.model); // fail before storing anything when no provider is configured
  await refuseOversizedInput(deps, agent, input);
  const runId = options.runId ?? newId("run");
  const maxSteps = options.maxSteps ?? agent.settings.maxSteps ?? DEFAULT_MAX_STEPS;
  const signal = options.signal;
  const events: AgentEvent[] = [];
  const emit = (e: AgentEvent) => {
    events.push(e);
    options.onEvent?.(e);
  };
  const usage: RunUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, stepCount: 0 };
  const messages: MessageRecord[] = [];
  const replies: string[] = [];
  const now = deps.now?.() ?? nowIso();
  const rules = new ToolRuleSolver(agent.toolRules);

  // The run and its input commit in one transaction: one write instead of two on every send.
  const run = {
    id: runId,
    agentId,
    status: "running",
    stopReason: null,
    createdAt: now,
    completedAt: null,
    chain: options.chain ?? null,
  } as const;
  const inputs = inputMessages({ agentId, runId, stepId: null, now }, input);
  await deps.store.commitMessages(
    agentId,
    inputs,
    { inContextMessageIds: [...agent.inContextMessageIds, ...inputs.map((m) => m.id)] },
    run,
    lease && { fence: lease.fence },
  );
  emit({ type: "run-start", runId, agentId });
  cache.remember(agentId, inputs);
  messages.push(...inputs);
  for (const message of inputs) emit({ type: "message", runId, agentId, stepId: null, message });

  let stopReason: StopReason = "end_turn";
  let finished = false; // the last step committed the run's end
  let error: KernelRunResult["error"];
  for (let stepIndex = 0; ; stepIndex++) {
    if (signal?.aborted) {
      stopReason = "cancelled";
      break;
    }
    if (stepIndex >= maxSteps) {
      stopReason = "max_steps";
      break;
    }
    try {
      const step = {
        deps,
        cache,
        agentId,
        runId,
        stepIndex,
        lastAllowed: stepIndex + 1 >= maxSteps,
        signal,
        streamTokens: options.streamTokens ?? false,
        emit,
        rules,
        chain: run.chain,
        lease: lease && { fence: lease.fence },
      };
      const outcome =
        stepIndex === 0 && input.type === "approval"
          ? await runApprovalStep(step, input.approvals)
          : await runStep(step);
      messages.push(...outcome.messages);
      replies.push(...outcome.replies);
      if (outcome.messages.length > 0 || outcome.usage.totalTokens > 0) {
        usage.stepCount++;
        usage.promptTokens += outcome.usage.promptTokens;
        usage.completionTokens += outcome.usage.completionTokens;
        usage.totalTokens += outcome.usage.totalTokens;
      }
      if (!outcome.continue) {
        stopReason = outcome.stopReason;
        finished = outcome.finished;
        if (finished && lease) lease.released = true;
        break;
      }
    } catch (e) {
      if (isCancellation(e, signal)) {
        stopReason = "cancelled";
        break;
      }
      const code = LmosError.is(e) ? e.code : "internal";
      stopReason = PROVIDER_CODES.has(code) ? "llm_api_error" : "error";
      error = { code, message: e instanceof Error ? e.message : String(e) };
      emit({ type: "run-error", runId, agentId, ...error });
      break;
    }
  }

  const finishedAt = deps.now?.() ?? nowIso();
  const status = stopReason === "cancelled" ? "cancelled" : error ? "failed" : "completed";
  if (!finished) {
    await storeRunEnd(deps.store, runId, { status, stopReason, completedAt: finishedAt });
    // A patch, not updateAgent: nothing needs the agent read back here.
    await deps.store
      .commitMessages(
        agentId,
        [],
        { lastStopReason: stopReason, lastRunAt: finishedAt },
        undefined,
        lease && { fence: lease.fence, release: true },
      )
      .then(() => {
        if (lease) lease.released = true;
      })
      .catch(() => {
        // the agent was deleted during the run (nothing left to update), or its lease was lost
      });
  }
  emit({ type: "run-end", runId, agentId, stopReason, usage });
  const replyMode = agent.settings.replyMode;
  return {
    runId,
    agentId,
    stopReason,
    messages,
    events,
    usage,
    replies,
    replyMode,
    ...(error ? { error } : {}),
  };
}
