// Chat with an agent: the conversation with token streaming, and beside it the context window and the core
// memory blocks, refreshed after every step of a run (a step has committed when its tool results arrive or
// the next step starts streaming). A run paused for approval shows the held call with Approve / Deny.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import { approvalMessage, streamMessages } from "../api/stream.ts";
import type { LettaMessage } from "../api/types.ts";
import { type ApprovalDecision, ApprovalPanel } from "../components/approval-panel.tsx";
import { BlockEditor } from "../components/block-editor.tsx";
import { ContextBar } from "../components/context-bar.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { TurnView } from "../components/turn-view.tsx";
import { useAgentData } from "../lib/agent-data.tsx";
import { groupTurns, mergePart, type Part } from "../lib/transcript.ts";

const HISTORY = 200;

async function loadHistory(agentId: string): Promise<Part[]> {
  const list = await api<LettaMessage[]>("GET", `agents/${seg(agentId)}/messages`, {
    query: { limit: HISTORY, order: "desc" },
  });
  return list.reverse().reduce<Part[]>(mergePart, []);
}

/** The chat page. */
export function ChatPage() {
  const { agentId, agent, blocks, context, refresh } = useAgentData();
  const [parts, setParts] = useState<Part[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [text, setText] = useState("");
  const [streaming, setStreaming] = useState(false);
  const [status, setStatus] = useState("");
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setParts(null);
    loadHistory(agentId).then(setParts, setError);
  }, [agentId]);

  // Follow the conversation while the reader is at its end; leave them be when they scrolled up.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [parts]);

  async function send() {
    const message = text.trim();
    if (!message || streaming) return;
    setText("");
    const now = new Date().toISOString();
    setParts((p) => [
      ...(p ?? []),
      { key: `pending-${now}`, id: "", kind: "user", text: message, date: now, stepId: null, runId: null },
    ]);
    await run([{ role: "user", content: message }]);
  }

  /** Answers the paused run's approval request; the run goes on (or hears the denial) in the stream. */
  async function decide(decisions: ApprovalDecision[]) {
    if (streaming) return;
    await run([approvalMessage(decisions)]);
  }

  async function run(messages: unknown[]) {
    setError(null);
    setStreaming(true);
    setStatus("The agent is answering…");
    pinned.current = true;
    let step: string | null = null;
    try {
      await streamMessages(agentId, messages, {
        onMessage(m) {
          setParts((p) => mergePart(p ?? [], m));
          // A tool result arrives only after its step committed; a new step id means the last one did.
          const stepChanged = step !== null && m.step_id && m.step_id !== step;
          if (m.step_id) step = m.step_id;
          if (m.message_type === "tool_return_message" || stepChanged) void refresh();
        },
        onStop(reason) {
          setStatus(
            reason === "end_turn"
              ? "Reply finished."
              : reason === "requires_approval"
                ? "The agent waits for your approval."
                : `Run stopped: ${reason}.`,
          );
        },
      });
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      setStatus("The run failed.");
    } finally {
      setStreaming(false);
      // The stored history is the truth (ids of the input, parts that were not streamed).
      const [history] = await Promise.all([
        loadHistory(agentId).catch(() => null),
        refresh(),
        agent.reload(),
      ]);
      if (history) setParts(history);
      input.current?.focus();
    }
  }

  async function stop() {
    try {
      await api("POST", `agents/${seg(agentId)}/messages/cancel`, { body: {} });
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  const turns = groupTurns(parts ?? []);
  const name = agent.data?.name ?? "Agent";
  return (
    <div class="chat-layout">
      <section class="chat" aria-label="Conversation">
        {/* Keyboard-scrollable without a tabindex: Chromium and Firefox focus scrollable regions. */}
        <section
          class="transcript"
          ref={scroller}
          aria-label="Messages"
          onScroll={(e) => {
            const el = e.currentTarget;
            pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          }}
        >
          {parts === null && !error ? <p class="muted pad">Loading the conversation…</p> : null}
          {parts !== null && turns.length === 0 ? (
            <p class="muted pad empty">No messages yet. Say hello to {name}.</p>
          ) : null}
          <ol class="turns">
            {turns.map((t, i) => (
              <TurnView key={i} turn={t} agentName={name} streaming={streaming && i === turns.length - 1} />
            ))}
          </ol>
        </section>
        <ErrorNote error={error} />
        <ApprovalPanel
          request={agent.data?.pending_approval}
          busy={streaming}
          onDecide={(d) => void decide(d)}
        />
        <form
          class="composer"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <label for="composer-input" class="sr-only">
            Message to {name}
          </label>
          <textarea
            id="composer-input"
            ref={input}
            rows={2}
            value={text}
            placeholder={`Message ${name} — Enter to send, Shift+Enter for a new line`}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                void send();
              }
            }}
          />
          {streaming ? (
            <button type="button" class="quiet" onClick={() => void stop()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!text.trim()}>
              Send
            </button>
          )}
        </form>
        <p class="sr-only" role="status" aria-live="polite">
          {status}
        </p>
      </section>
      <aside class="side" aria-label="Memory and context">
        {context.data ? (
          <ContextBar context={context.data} compact />
        ) : (
          <div class="context-bar placeholder" />
        )}
        <h2 class="side-title">Core memory</h2>
        <ErrorNote error={blocks.error} />
        {(blocks.data ?? []).map((b) => (
          <BlockEditor
            key={b.id}
            agentId={agentId}
            block={b}
            onSaved={() => void refresh()}
            rows={4}
            compact
          />
        ))}
      </aside>
    </div>
  );
}
