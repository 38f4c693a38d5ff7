// Running one step's tool calls under the agent's tool rules: a call the rules do not allow is not run
// and the model gets Letta's [ToolConstraintError] result instead; every call that runs is recorded in the
// run's rule history, and the allowed set is worked out again before each call (so a max-count or child
// rule also holds between the calls of one response).
import type { Embedder } from "../embed/types.ts";
import type { BlockRecord, MessageRecord, RunChain, StoreReader, ToolCallRecord } from "../store/types.ts";
import type { AgentMessenger } from "../tools/types.ts";
import { formatToolResult } from "../tools/index.ts";
import type { RuleFacts } from "./continuation.ts";
import { type MessageOrigin, textMessage } from "./messages.ts";
import type { StepWriteLog } from "./step-writes.ts";
import { dispatchToolCall, type ToolOutcome } from "./tool-dispatch.ts";
import type { ToolRuleSolver } from "./tool-rules.ts";
import type { KernelDeps } from "./types.ts";
import type { StepView } from "./view.ts";

export interface ToolRunContext {
  view: StepView;
  blocks: BlockRecord[];
  store: StoreReader;
  embedder: Embedder | null;
  /** The step's writes; each call's are tagged with its position (a failed call takes them back). */
  writes: StepWriteLog;
  rules: ToolRuleSolver;
  origin: MessageOrigin;
  signal?: AbortSignal;
  chain: RunChain | null;
  messenger?: AgentMessenger;
}

/** The context one step's tool calls run in: its view (blocks copied, so that edits stay the step's until
 * it commits), the agent's embedder, the step's writes and origin, and the run's rules and chain. */
export function toolRunContext(
  deps: KernelDeps,
  view: StepView,
  run: { rules: ToolRuleSolver; chain: RunChain | null; signal?: AbortSignal },
  writes: StepWriteLog,
  origin: MessageOrigin,
): ToolRunContext {
  return {
    view,
    blocks: view.blocks.map((b) => ({ ...b })),
    store: deps.store,
    embedder: deps.embedderFor(view.agent.embedding),
    writes,
    rules: run.rules,
    origin,
    signal: run.signal,
    chain: run.chain,
    messenger: deps.messenger,
  };
}

/** The `message` of a stored tool result (Letta's {status, message, time}), or null. */
export function toolResultMessage(content: string): string | null {
  try {
    const parsed = JSON.parse(content) as { message?: unknown };
    return typeof parsed?.message === "string" ? parsed.message : null;
  } catch {
    return null;
  }
}

/** The message of the last tool result in the window (what conditional rules look at). */
export function lastToolResult(messages: MessageRecord[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== "tool") continue;
    const part = m.content.find((p) => p.type === "text");
    return part && part.type === "text" ? toolResultMessage(part.text) : null;
  }
  return null;
}

/** What running a step's calls gave: outcomes and tool messages in call order, and the rules' verdict. */
export interface ToolRunResult {
  outcomes: ToolOutcome[];
  messages: MessageRecord[];
  facts: RuleFacts;
}

/** A failed outcome that did not run (rule violation, denied approval). */
export function refusedOutcome(call: ToolCallRecord, text: string, now: string): ToolOutcome {
  return {
    call,
    status: "Failed",
    content: formatToolResult("Failed", text, now),
    requestHeartbeat: false,
    editedLabels: [],
  };
}

/** Runs the calls in order; `checkRules: false` runs them as given (calls a human approved). */
export async function runToolCalls(
  calls: Array<{ call: ToolCallRecord; refused?: string }>,
  ctx: ToolRunContext,
  options: { checkRules: boolean; lastResult: string | null },
): Promise<ToolRunResult> {
  const { view, rules, origin } = ctx;
  const names = [...view.tools.keys()];
  const outcomes: ToolOutcome[] = [];
  const messages: MessageRecord[] = [];
  let lastResult = options.lastResult;
  let terminal = false;
  let continueReason: string | null = null;
  for (const [index, { call, refused }] of calls.entries()) {
    let outcome: ToolOutcome;
    const allowed = options.checkRules ? rules.allowed(names, lastResult) : null;
    if (refused !== undefined) {
      outcome = refusedOutcome(call, refused, origin.now);
    } else if (allowed && view.tools.has(call.name) && !allowed.has(call.name)) {
      outcome = refusedOutcome(call, rules.violation(call.name, allowed), origin.now);
    } else {
      outcome = await dispatchToolCall(call, {
        agent: view.agent,
        blocks: ctx.blocks,
        tools: view.tools,
        store: ctx.store,
        embedder: ctx.embedder,
        writes: ctx.writes,
        index,
        runId: origin.runId ?? "",
        now: origin.now,
        signal: ctx.signal,
        run: { id: origin.runId ?? "", chain: ctx.chain },
        agents: ctx.messenger,
      });
      if (view.tools.has(call.name)) {
        rules.record(call.name);
        terminal ||= rules.isTerminal(call.name);
        continueReason ??= rules.continueReason(call.name);
      }
    }
    lastResult = toolResultMessage(outcome.content);
    outcomes.push(outcome);
    messages.push(textMessage(origin, "tool", outcome.content, { toolCallId: call.id, name: call.name }));
  }
  return {
    outcomes,
    messages,
    facts: { terminal, continueReason, uncalledRequired: rules.uncalledRequired(names) },
  };
}
