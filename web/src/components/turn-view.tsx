// One turn of the chat: the person's message, then the agent's answer — its replies in full, its memory
// edits inline, and everything else it did (reasoning, tool calls and results, alerts) folded under one
// summary line. The summary line is there from the first moment of a streaming answer and doubles as its
// status, so nothing above the growing reply ever moves.
import type { Part, Turn } from "../lib/transcript.ts";
import { memoryEditOf, toolResultText } from "../lib/transcript.ts";
import { clock, plural, prettyJson } from "../lib/format.ts";

function stepCount(parts: Part[]): number {
  return new Set(parts.map((p) => p.stepId).filter(Boolean)).size;
}

function summaryOf(parts: Part[], streaming: boolean): string {
  const steps = stepCount(parts);
  const calls = parts.filter((p) => p.kind === "tool-call").length;
  const thoughts = parts.some((p) => p.kind === "reasoning");
  const bits = [
    ...(steps ? [plural(steps, "step")] : []),
    ...(thoughts ? ["reasoning"] : []),
    ...(calls ? [plural(calls, "tool call")] : []),
  ];
  if (streaming) return bits.length ? `Working… · ${bits.join(" · ")}` : "Working…";
  return bits.length ? bits.join(" · ") : "No steps recorded";
}

function Detail({ part }: { part: Part }) {
  switch (part.kind) {
    case "reasoning":
      return (
        <li class="detail detail-reasoning">
          <span class="detail-kind">Reasoning</span>
          <p class="detail-text">{part.text}</p>
        </li>
      );
    case "tool-call":
      return (
        <li class="detail detail-call">
          <span class="detail-kind">
            Tool call <code>{part.toolName}</code>
          </span>
          <pre class="detail-code">{prettyJson(part.toolArgs ?? "")}</pre>
        </li>
      );
    case "tool-return":
      return (
        <li class={`detail detail-return ${part.status === "error" ? "is-error" : ""}`}>
          <span class="detail-kind">{part.status === "error" ? "Tool failed" : "Tool result"}</span>
          <pre class="detail-code">{toolResultText(part.text)}</pre>
        </li>
      );
    case "reply":
      return null;
    default:
      return (
        <li class="detail detail-alert">
          <span class="detail-kind">Kernel</span>
          <p class="detail-text">{part.text}</p>
        </li>
      );
  }
}

function MemoryEditNote({ part }: { part: Part }) {
  const edit = memoryEditOf(part);
  if (!edit) return null;
  return (
    <div class="memory-edit" data-testid="memory-edit" data-label={edit.label}>
      <span class="memory-edit-head">
        Memory edit · <strong>{edit.label}</strong>
        {edit.rewrite ? " (rewritten)" : ""}
      </span>
      {edit.removed ? <del>{edit.removed}</del> : null}
      {edit.added ? <ins>{edit.added}</ins> : null}
    </div>
  );
}

/** A whole turn; `streaming` while its answer is still arriving. */
export function TurnView({
  turn,
  agentName,
  streaming,
}: {
  turn: Turn;
  agentName: string;
  streaming: boolean;
}) {
  const replies = turn.parts.filter((p) => p.kind === "reply");
  const details = turn.parts.filter((p) => p.kind !== "reply");
  const edits = turn.parts.filter((p) => memoryEditOf(p) !== null);
  return (
    <li class="turn" data-testid="turn">
      {turn.user ? (
        <div class="msg msg-user">
          <div class="msg-meta">
            <span class="who">You</span>
            <time>{clock(turn.user.date)}</time>
          </div>
          <p class="msg-text">{turn.user.text}</p>
        </div>
      ) : null}
      {turn.parts.length || streaming ? (
        <div class="msg msg-agent" aria-busy={streaming}>
          <div class="msg-meta">
            <span class="who">{agentName}</span>
          </div>
          <details class="steps">
            <summary data-testid="turn-summary">{summaryOf(turn.parts, streaming)}</summary>
            <ol class="details">
              {details.map((p) => (
                <Detail key={p.key} part={p} />
              ))}
            </ol>
          </details>
          {edits.map((p) => (
            <MemoryEditNote key={p.key} part={p} />
          ))}
          {replies.map((p) => (
            <p key={p.key} class="msg-text reply" data-testid="reply" data-chunks={p.chunks ?? 1}>
              {p.text}
            </p>
          ))}
        </div>
      ) : null}
    </li>
  );
}
