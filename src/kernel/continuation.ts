// Whether a run continues after a step. Two policies, per agent:
// - heartbeats on (MemGPT, Letta V2): continue when a tool call asked for request_heartbeat or failed;
//   otherwise yield. send_message is the reply and ends the turn unless it asked for a heartbeat.
// - heartbeats off (Letta V1/V3): continue while the model calls tools other than send_message (or a
//   call failed); text alone or send_message alone ends the turn.
// In both: a reply with neither text nor tool calls gets a system alert and another step; plain text with
// no tool call ends the turn, also in send_message mode (the text is taken as the reply, since the model
// clearly meant to answer and a tool-call retry would only repeat it).
import type { ChatResponse } from "../llm/types.ts";
import type { AgentSettings } from "../store/types.ts";
import type { StopReason } from "./events.ts";
import type { ToolOutcome } from "./tool-dispatch.ts";

export interface ContinuationDecision {
  continue: boolean;
  stopReason: StopReason;
  /** Heartbeat message to queue when continuing (heartbeats on). */
  heartbeat: "requested" | "failed" | null;
  alert: "empty_reply" | null;
}

/** Decides continuation from the model's response and the tool outcomes of the step. */
export function decideContinuation(
  settings: AgentSettings,
  _response: ChatResponse,
  outcomes: ToolOutcome[],
  emptyReply: boolean,
): ContinuationDecision {
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
