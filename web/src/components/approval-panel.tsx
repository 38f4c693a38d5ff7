// A paused run's question to the person: the held tool call(s) with their arguments, an optional reason, and
// Approve / Deny. The chat sends the answer as Letta's approval message and streams the run as it goes on.
import { useState } from "preact/hooks";
import type { LettaMessage } from "../api/types.ts";
import { prettyJson } from "../lib/format.ts";

export interface ApprovalDecision {
  toolCallId: string;
  approve: boolean;
  reason?: string;
}

/** Nothing unless `request` holds calls. */
export function ApprovalPanel({
  request,
  busy,
  onDecide,
}: {
  request: LettaMessage | null | undefined;
  busy: boolean;
  onDecide: (decisions: ApprovalDecision[]) => void;
}) {
  const [reason, setReason] = useState("");
  const calls = request ? (request.tool_calls ?? (request.tool_call ? [request.tool_call] : [])) : [];
  if (calls.length === 0) return null;
  const decide = (approve: boolean) => {
    onDecide(
      calls.map((c) => ({
        toolCallId: c.tool_call_id ?? "",
        approve,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      })),
    );
    setReason("");
  };
  return (
    <section class="card approval" aria-labelledby="approval-title">
      <h2 id="approval-title">Approval needed</h2>
      <p class="muted">The agent wants to run this and waits for your answer.</p>
      {calls.map((c) => (
        <div key={c.tool_call_id} class="approval-call">
          <code>{c.name}</code>
          <pre class="detail-code">{prettyJson(c.arguments)}</pre>
        </div>
      ))}
      <label class="field">
        <span>Reason (sent to the agent)</span>
        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} placeholder="optional" />
      </label>
      <div class="form-actions">
        <button type="button" disabled={busy} onClick={() => decide(true)}>
          Approve
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => decide(false)}>
          Deny
        </button>
      </div>
    </section>
  );
}
