// Archival memory: the agent's passages, newest first or by search (hybrid, with tags), with insert and
// delete.
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Passage, PassageHit } from "../api/types.ts";
import { ConfirmButton } from "../components/confirm-button.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { useAgentData } from "../lib/agent-data.tsx";
import { when } from "../lib/format.ts";
import { useLoad } from "../lib/use-load.ts";

interface Row {
  id: string;
  text: string;
  tags: string[];
  date: string;
  score?: number;
}

const splitTags = (s: string) =>
  s
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

/** The archival memory page. */
export function ArchivalPage() {
  const { agentId } = useAgentData();
  const base = `agents/${seg(agentId)}/archival-memory`;
  const [query, setQuery] = useState("");
  const [tags, setTags] = useState("");
  const [mode, setMode] = useState<"any" | "all">("any");
  const [applied, setApplied] = useState({ query: "", tags: [] as string[], mode: "any" as "any" | "all" });
  const [error, setError] = useState<Error | null>(null);
  const rows = useLoad<Row[]>(
    async (signal) => {
      if (applied.query) {
        const r = await api<{ results: PassageHit[] }>("GET", `${base}/search`, {
          query: { query: applied.query, tags: applied.tags, tag_match_mode: applied.mode, top_k: 50 },
          signal,
        });
        return r.results.map((h) => ({
          id: h.id,
          text: h.content,
          tags: h.tags,
          date: h.timestamp,
          score: h.score,
        }));
      }
      const list = await api<Passage[]>("GET", base, { query: { limit: 200, ascending: false }, signal });
      const out = list.map((p) => ({ id: p.id, text: p.text, tags: p.tags ?? [], date: p.created_at }));
      if (!applied.tags.length) return out;
      const has = (r: Row, t: string) => r.tags.includes(t);
      return out.filter((r) =>
        applied.mode === "all" ? applied.tags.every((t) => has(r, t)) : applied.tags.some((t) => has(r, t)),
      );
    },
    [agentId, applied],
  );

  const [newText, setNewText] = useState("");
  const [newTags, setNewTags] = useState("");

  return (
    <div class="page">
      <search>
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ query: query.trim(), tags: splitTags(tags), mode });
          }}
        >
          <label class="field grow">
            <span>Search archival memory</span>
            <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Tags (comma-separated)</span>
            <input value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
          </label>
          <label class="field narrow">
            <span>Match</span>
            <select
              aria-label="Match"
              value={mode}
              onChange={(e) => setMode(e.currentTarget.value as "any" | "all")}
            >
              <option value="any">any tag</option>
              <option value="all">all tags</option>
            </select>
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      <ErrorNote error={rows.error ?? error} />
      <p class="muted count" aria-live="polite">
        {rows.data ? `${rows.data.length} passage${rows.data.length === 1 ? "" : "s"}` : "Loading…"}
        {applied.query ? ` matching “${applied.query}”` : ""}
      </p>
      <ul class="passages">
        {(rows.data ?? []).map((r) => (
          <li key={r.id} class="passage" data-passage={r.id}>
            <p class="passage-text">{r.text}</p>
            <div class="passage-meta">
              <time>{when(r.date)}</time>
              {r.tags.map((t) => (
                <span key={t} class="tag">
                  {t}
                </span>
              ))}
              {r.score !== undefined ? <span class="muted num">score {r.score.toFixed(3)}</span> : null}
              <ConfirmButton
                label="Delete"
                question="Delete this passage?"
                onConfirm={async () => {
                  try {
                    await api("DELETE", `${base}/${seg(r.id)}`);
                    await rows.reload();
                  } catch (e) {
                    setError(e instanceof Error ? e : new Error(String(e)));
                  }
                }}
              />
            </div>
          </li>
        ))}
      </ul>
      <form
        class="card"
        aria-labelledby="insert-passage-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const [text, tags] = [newText, newTags];
            await api("POST", base, { body: { text, tags: splitTags(tags) } });
            // Clear only what was sent: the person may have started the next passage meanwhile.
            setNewText((t) => (t === text ? "" : t));
            setNewTags((t) => (t === tags ? "" : t));
            await rows.reload();
          } catch (err) {
            setError(err instanceof Error ? err : new Error(String(err)));
          }
        }}
      >
        <h2 id="insert-passage-title">Insert a passage</h2>
        <label class="field">
          <span>Text</span>
          <textarea rows={3} value={newText} required onInput={(e) => setNewText(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Tags (comma-separated)</span>
          <input value={newTags} onInput={(e) => setNewTags(e.currentTarget.value)} />
        </label>
        <div class="form-actions">
          <button type="submit">Insert</button>
        </div>
      </form>
    </div>
  );
}
