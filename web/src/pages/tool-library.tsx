// Every tool of the server: custom tools (their source, schema and sandbox grants; create, edit, delete),
// MCP servers' tools and the built-ins; attach any of them to an agent.
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Agent, Tool } from "../api/types.ts";
import { ConfirmButton } from "../components/confirm-button.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { ToolEditor } from "../components/tool-editor.tsx";
import { useLoad } from "../lib/use-load.ts";

function grantsOf(t: Tool): string {
  const s = t.sandbox;
  if (!s) return "server defaults";
  const out: string[] = [];
  if (s.timeout_ms) out.push(`${s.timeout_ms} ms`);
  if (s.network)
    out.push(s.allowed_hosts?.length ? `network: ${s.allowed_hosts.join(", ")}` : "network: any host");
  if (s.filesystem)
    out.push(`${s.filesystem.path} at /data (${s.filesystem.mode === "rw" ? "read-write" : "read-only"})`);
  return out.length ? out.join(" · ") : "server defaults";
}

function AttachControl({ tool, agents }: { tool: Tool; agents: Agent[] }) {
  const [pick, setPick] = useState("");
  const [done, setDone] = useState("");
  const [error, setError] = useState<Error | null>(null);
  async function attach() {
    setError(null);
    setDone("");
    try {
      const a = await api<Agent>("PATCH", `agents/${seg(pick)}/tools/attach/${seg(tool.id)}`);
      setDone(`Attached to ${a.name}.`);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  }
  return (
    <div class="inline-form">
      <label class="field">
        <span>Attach to agent</span>
        <select value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
          <option value="">choose an agent…</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!pick} onClick={() => void attach()}>
        Attach
      </button>
      <span role="status" class="muted">
        {done}
      </span>
      <ErrorNote error={error} />
    </div>
  );
}

function ToolCard({ tool, agents, onChange }: { tool: Tool; agents: Agent[]; onChange: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const custom = tool.tool_type === "custom";
  if (editing) {
    return (
      <li class="passage" data-tool={tool.name}>
        <ToolEditor
          tool={tool}
          onSaved={() => {
            setEditing(false);
            onChange();
          }}
          onCancel={() => setEditing(false)}
        />
      </li>
    );
  }
  return (
    <li class="passage" data-tool={tool.name}>
      <details>
        <summary>
          <code>{tool.name}</code> <span class="muted">{tool.source_type ?? tool.tool_type ?? ""}</span>
          {tool.metadata_?.mcp?.server_name ? (
            <span class="muted"> · MCP {tool.metadata_.mcp.server_name}</span>
          ) : null}
        </summary>
        <p>{tool.description}</p>
        {custom ? <p class="muted">Sandbox: {grantsOf(tool)}</p> : null}
        {tool.source_code ? (
          <>
            <h3 class="side-title">Source</h3>
            <pre class="prompt" data-testid="tool-source">
              {tool.source_code}
            </pre>
          </>
        ) : null}
        <h3 class="side-title">Schema</h3>
        <pre class="prompt">{JSON.stringify(tool.json_schema, null, 2)}</pre>
        <AttachControl tool={tool} agents={agents} />
        <ErrorNote error={error} />
        {custom ? (
          <div class="form-actions">
            <button type="button" class="quiet" onClick={() => setEditing(true)}>
              Edit
            </button>
            <ConfirmButton
              label="Delete tool"
              question={`Delete ${tool.name}?`}
              onConfirm={async () => {
                try {
                  await api("DELETE", `tools/${seg(tool.id)}`);
                  onChange();
                } catch (e) {
                  setError(e instanceof Error ? e : new Error(String(e)));
                }
              }}
            />
          </div>
        ) : null}
      </details>
    </li>
  );
}

/** The tools page (#/tools). */
export function ToolLibraryPage() {
  const tools = useLoad((signal) => api<Tool[]>("GET", "tools/", { query: { limit: 1000 }, signal }), []);
  const agents = useLoad((signal) => api<Agent[]>("GET", "agents/", { query: { limit: 1000 }, signal }), []);
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState("custom");
  const shown = (tools.data ?? []).filter((t) =>
    filter === "all" ? true : filter === "custom" ? t.tool_type === "custom" : t.tool_type === "external_mcp",
  );
  return (
    <div class="page narrow-page">
      <header class="page-head">
        <h1>Tools</h1>
        {creating ? null : (
          <button type="button" onClick={() => setCreating(true)}>
            New tool
          </button>
        )}
      </header>
      <p class="lede">
        Custom tools run in a sandbox: Python in Pyodide, JavaScript and TypeScript in QuickJS. They have no
        network and no files unless granted.
      </p>
      {creating ? (
        <ToolEditor
          onSaved={() => {
            setCreating(false);
            void tools.reload();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      <div class="field-row">
        <label class="field narrow">
          <span>Show</span>
          <select value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
            <option value="custom">custom tools</option>
            <option value="mcp">MCP tools</option>
            <option value="all">all tools</option>
          </select>
        </label>
      </div>
      <ErrorNote error={tools.error} />
      <ul class="passages" aria-label="Tools">
        {shown.map((t) => (
          <ToolCard key={t.id} tool={t} agents={agents.data ?? []} onChange={() => void tools.reload()} />
        ))}
        {tools.data && shown.length === 0 ? <li class="muted">No tools here yet.</li> : null}
      </ul>
    </div>
  );
}
