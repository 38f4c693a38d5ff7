// Recall memory: search everything the person and the agent said (the conversation_search the agent has).
import { useState } from "preact/hooks";
import { api } from "../api/client.ts";
import type { RecallHit } from "../api/types.ts";
import { ErrorNote } from "../components/error-note.tsx";
import { useAgentData } from "../lib/agent-data.tsx";
import { when } from "../lib/format.ts";

/** The recall search page. */
export function RecallPage() {
  const { agentId } = useAgentData();
  const [query, setQuery] = useState("");
  const [role, setRole] = useState("");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [hits, setHits] = useState<RecallHit[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function search(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setHits(
        await api<RecallHit[]>("POST", "messages/search", {
          body: {
            query,
            agent_id: agentId,
            limit: 50,
            ...(role ? { roles: [role] } : {}),
            ...(start ? { start_date: start } : {}),
            ...(end ? { end_date: end } : {}),
          },
        }),
      );
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="page">
      <search>
        <form class="toolbar" onSubmit={search}>
          <label class="field grow">
            <span>Search the conversation</span>
            <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </label>
          <label class="field narrow">
            <span>Who</span>
            <select aria-label="Who" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              <option value="">anyone</option>
              <option value="user">the person</option>
              <option value="assistant">the agent</option>
            </select>
          </label>
          <label class="field narrow">
            <span>From</span>
            <input type="date" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
          </label>
          <label class="field narrow">
            <span>To</span>
            <input type="date" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy}>
            Search
          </button>
        </form>
      </search>
      <ErrorNote error={error} />
      {hits === null ? (
        <p class="muted">An empty search lists the most recent messages.</p>
      ) : (
        <p class="muted count" aria-live="polite">
          {hits.length} message{hits.length === 1 ? "" : "s"}
        </p>
      )}
      <ul class="passages">
        {(hits ?? []).map((h) => (
          <li key={h.message_id} class="passage recall-hit">
            <div class="passage-meta">
              <span class="tag">{h.message_type === "user_message" ? "person" : "agent"}</span>
              <time>{when(h.created_at)}</time>
            </div>
            <p class="passage-text">{h.content}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
