// Whether a run continues after a step. Two policies, per agent:
// - heartbeats on (MemGPT, Letta V2): continue when a tool call asked for request_heartbeat or failed;
//   otherwise yield. send_message is the reply and ends the turn unless it asked for a heartbeat.
// - heartbeats off (Letta V1/V3): continue while the model calls tools other than send_message (or a
//   call failed); text alone or send_message alone ends the turn.
// In both: a reply with neither text nor tool calls gets a system alert and another step; plain text with
// no tool call ends the turn, also in send_message mode (the text is taken as the reply, since the model
// clearly meant to answer and a tool-call retry would only repeat it).
// Tool rules then override, as Letta's _decide_continuation does: a terminal tool stops the run (stop
// reason tool_rule), a child or continue rule keeps it going, and so does a required-before-exit tool the
// run has not called yet (the model is told which).
import type { ChatResponse } from "../llm/types.ts";
import type { AgentSettings } from "../store/types.ts";
import type { StopReason } from "./events.ts";
import type { ToolOutcome } from "./tool-dispatch.ts";

export interface ContinuationDecision {
  continue: boolean;
  stopReason: StopReason;
  /** Heartbeat message to queue when continuing: Letta's standard reasons, or a tool rule's own text. */
  heartbeat: "requested" | "failed" | { reason: string } | null;
  alert: "empty_reply" | null;
}

/** What the tool rules say about the step's calls (see ToolRuleSolver). */
export interface RuleFacts {
  /** A call that ran has an exit_loop rule. */
  terminal: boolean;
  /** Why a child or continue rule keeps the loop going after a call that ran, or null. */
  continueReason: string | null;
  /** Required-before-exit tools the run has not called yet. */
  uncalledRequired: string[];
}

const NO_RULES: RuleFacts = { terminal: false, continueReason: null, uncalledRequired: [] };

function base(settings: AgentSettings, outcomes: ToolOutcome[], emptyReply: boolean): ContinuationDecision {
  const stop: ContinuationDecision = {
    continue: false,
    stopReason: "end_turn",
    heartbeat: null,
    alert: null,
  };
  if (emptyReply) return { continue: true, stopReason: "end_turn", heartbeat: null, alert: "empty_reply" };
  if (outcomes.length === 0) return stop;
  const failed = outcomes.some((o) => o.status === "Failed");
  if (settings.heartbeats) {
    if (failed) return { continue: true, stopReason: "end_turn", heartbeat: "failed", alert: null };
    if (outcomes.some((o) => o.requestHeartbeat)) {
      return { continue: true, stopReason: "end_turn", heartbeat: "requested", alert: null };
    }
    return stop;
  }
  const working = failed || outcomes.some((o) => o.call.name !== "send_message");
  return working ? { continue: true, stopReason: "end_turn", heartbeat: null, alert: null } : stop;
}

/** Decides continuation from the model's response, the tool outcomes of the step and the tool rules. */
export function decideContinuation(
  settings: AgentSettings,
  _response: ChatResponse,
  outcomes: ToolOutcome[],
  emptyReply: boolean,
  rules: RuleFacts = NO_RULES,
): ContinuationDecision {
  const decision = base(settings, outcomes, emptyReply);
  const uncalled = rules.uncalledRequired;
  // Letta's heartbeat follows tool results only in heartbeat mode; after text alone it is always needed.
  const goOn = (reason: string): ContinuationDecision => ({
    continue: true,
    stopReason: "end_turn",
    heartbeat: settings.heartbeats || outcomes.length === 0 ? { reason } : null,
    alert: null,
  });
  if (outcomes.length === 0) {
    if (uncalled.length === 0 || decision.alert) return decision;
    return goOn(`ToolRuleViolated: You must call ${uncalled.join(", ")} at least once to exit the loop.`);
  }
  const expects = `Continuing, user expects these tools: [${uncalled.join(", ")}] to be called still.`;
  if (rules.terminal) {
    if (uncalled.length > 0) return goOn(expects);
    return { continue: false, stopReason: "tool_rule", heartbeat: null, alert: null };
  }
  if (decision.continue) return decision;
  if (rules.continueReason) return goOn(rules.continueReason);
  if (uncalled.length > 0) return goOn(expects);
  return decision;
}
