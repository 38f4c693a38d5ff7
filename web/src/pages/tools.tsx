// The agent's tools: what it can call (each with its approval switch and a detach button), attaching one of
// the server's tools, and the agent's tool rules. Creating tools and MCP servers is on their own pages.
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Agent, Tool } from "../api/types.ts";
import { ErrorNote } from "../components/error-note.tsx";
import { ToolRules } from "../components/tool-rules.tsx";
import { useAgentData } from "../lib/agent-data.tsx";
import { useLoad } from "../lib/use-load.ts";

/** The tools page of one agent. */
export function ToolsPage() {
  const { agentId, agent } = useAgentData();
  const library = useLoad((signal) => api<Tool[]>("GET", "tools/", { query: { limit: 1000 }, signal }), []);
  const [pick, setPick] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const tools = agent.data?.tools ?? [];
  const mine = new Set(tools.map((t) => t.id));
  const approvals = new Set(
    (agent.data?.tool_rules ?? []).filter((r) => r.type === "requires_approval").map((r) => r.tool_name),
  );
  const path = `agents/${seg(agentId)}`;

  async function change(call: () => Promise<Agent>) {
    setError(null);
    try {
      agent.set(await call());
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  return (
    <div class="page narrow-page">
      <p class="lede">
        The tools this agent can call. New tools are written on the <a href="#/tools">Tools</a> page, MCP
        servers added on the <a href="#/mcp">MCP servers</a> page.
      </p>
      <ErrorNote error={error ?? library.error} />
      <form
        class="inline-form"
        aria-label="Attach a tool"
        onSubmit={(e) => {
          e.preventDefault();
          void change(() => api<Agent>("PATCH", `${path}/tools/attach/${seg(pick)}`)).then(() => setPick(""));
        }}
      >
        <label class="field">
          <span>Attach a tool</span>
          <select value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
            <option value="">choose a tool…</option>
            {(library.data ?? [])
              .filter((t) => !mine.has(t.id))
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
          </select>
        </label>
        <button type="submit" disabled={!pick}>
          Attach
        </button>
      </form>
      <ul class="passages" aria-label="Attached tools">
        {tools.map((t) => (
          <li key={t.id} class="passage" data-tool={t.name}>
            <details>
              <summary>
                <code>{t.name}</code> <span class="muted">{t.tool_type ?? ""}</span>
                {approvals.has(t.name) ? <span class="badge">needs approval</span> : null}
              </summary>
              <p>{t.description}</p>
              <pre class="prompt">{JSON.stringify(t.json_schema, null, 2)}</pre>
            </details>
            <div class="passage-meta">
              <label class="check">
                <input
                  type="checkbox"
                  checked={approvals.has(t.name)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    void change(() =>
                      api<Agent>("PATCH", `${path}/tools/approval/${seg(t.name)}`, {
                        body: { requires_approval: on },
                      }),
                    );
                  }}
                />
                <span>Requires approval</span>
              </label>
              <button
                type="button"
                class="quiet small"
                aria-label={`Detach ${t.name}`}
                onClick={() => void change(() => api<Agent>("PATCH", `${path}/tools/detach/${seg(t.id)}`))}
              >
                Detach
              </button>
            </div>
          </li>
        ))}
      </ul>
      {agent.data ? (
        <ToolRules agent={agent.data} toolNames={tools.map((t) => t.name)} onSaved={(a) => agent.set(a)} />
      ) : null}
    </div>
  );
}
