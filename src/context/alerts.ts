// The JSON texts the kernel writes as user-role messages (Letta's letta/system.py packages): the memory
// pressure warning, the recursive-summary notice and heartbeats. The prefix tells the model no human wrote them.
import { formatTime } from "./time.ts";

/** Letta's NON_USER_MSG_PREFIX. */
export const NON_USER_MSG_PREFIX = "[This is an automated system message hidden from the user] ";

const PRESSURE_WARNING = [
  `${NON_USER_MSG_PREFIX}The conversation history will soon reach its maximum length and be trimmed.`,
  "Do NOT tell the user about this system alert, they should not know that the history is reaching max length.",
  "If there is any important new information or general memories about you or the user that you would like to save, you should save that information immediately by calling function core_memory_append, core_memory_replace, or archival_memory_insert.",
].join(" ");

const HEARTBEAT_REASONS = {
  requested: `${NON_USER_MSG_PREFIX}Function called using request_heartbeat=true, returning control`,
  failed: `${NON_USER_MSG_PREFIX}Function call failed, returning control`,
} as const;

/** A `{"type":"system_alert","message","time"}` text. */
export function systemAlertMessage(message: string, now: string): string {
  return JSON.stringify({ type: "system_alert", message, time: formatTime(now) });
}

/** The memory-pressure warning: history will be trimmed soon, save what matters. */
export function pressureWarningMessage(now: string): string {
  return systemAlertMessage(PRESSURE_WARNING, now);
}

/** The notice that stands for evicted messages: how many are hidden, and their recursive summary. */
export function summaryNoticeMessage(summary: string, hidden: number, total: number, now: string): string {
  const message =
    `Note: prior messages (${hidden} of ${total} total messages) have been hidden from view due to conversation memory constraints.\n` +
    `The following is a summary of the previous ${hidden} messages:\n ${summary}`;
  return JSON.stringify({ type: "system_alert", message, time: formatTime(now, { minutes: true }) });
}

/** The heartbeat that hands control back to the model after a tool call (a tool rule gives its own reason). */
export function heartbeatMessage(reason: "requested" | "failed" | { reason: string }, now: string): string {
  const text =
    typeof reason === "string" ? HEARTBEAT_REASONS[reason] : `${NON_USER_MSG_PREFIX}${reason.reason}`;
  return JSON.stringify({ type: "heartbeat", reason: text, time: formatTime(now) });
}
