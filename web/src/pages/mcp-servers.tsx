// MCP servers (Letta's /v1/mcp-servers): the registered servers with their tools, a form to add one (a stdio
// command or a streamable HTTP / SSE URL), attaching a server's tool to an agent, and removing a server.
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Agent, McpServer, Tool } from "../api/types.ts";
import { ConfirmButton } from "../components/confirm-button.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { useLoad } from "../lib/use-load.ts";

function ServerCard({
  server,
  agents,
  onChange,
}: {
  server: McpServer;
  agents: Agent[];
  onChange: () => void;
}) {
  const path = `mcp-servers/${seg(server.id)}`;
  const tools = useLoad((signal) => api<Tool[]>("GET", `${path}/tools`, { signal }), [server.id]);
  const [pick, setPick] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const fail = (e: unknown) => setError(e instanceof Error ? e : new Error(String(e)));
  async function attach(tool: Tool) {
    setError(null);
    try {
      const a = await api<Agent>("PATCH", `agents/${seg(pick)}/tools/attach/${seg(tool.id)}`);
      setNote(`${tool.name} attached to ${a.name}.`);
    } catch (e) {
      fail(e);
    }
  }
  return (
    <section class="card" data-mcp-server={server.server_name} aria-labelledby={`mcp-${server.id}`}>
      <header class="page-head">
        <h2 id={`mcp-${server.id}`}>{server.server_name}</h2>
        <ConfirmButton
          label="Remove server"
          question={`Remove ${server.server_name} and its tools?`}
          onConfirm={async () => {
            try {
              await api("DELETE", path);
              onChange();
            } catch (e) {
              fail(e);
            }
          }}
        />
      </header>
      <p class="muted">
        {server.mcp_server_type}:{" "}
        <code>
          {server.mcp_server_type === "stdio"
            ? [server.command, ...(server.args ?? [])].join(" ")
            : (server.server_url ?? "")}
        </code>
      </p>
      <ErrorNote error={error ?? tools.error} />
      {tools.loading && !tools.data ? <p class="muted">Connecting to the server…</p> : null}
      <div class="inline-form">
        <label class="field">
          <span>Agent to attach to</span>
          <select value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
            <option value="">choose an agent…</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <span role="status" class="muted">
          {note}
        </span>
      </div>
      <ul class="passages" aria-label={`Tools of ${server.server_name}`}>
        {(tools.data ?? []).map((t) => (
          <li key={t.id} class="passage" data-tool={t.name}>
            <div class="passage-meta">
              <code>{t.name}</code>
              <span class="muted">{t.description}</span>
              <button type="button" class="small" disabled={!pick} onClick={() => void attach(t)}>
                Attach {t.name}
              </button>
            </div>
          </li>
        ))}
        {tools.data?.length === 0 ? <li class="muted">This server offers no tools.</li> : null}
      </ul>
    </section>
  );
}

function AddServer({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState("");
  const [type, setType] = useState("stdio");
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [url, setUrl] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  async function add(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const config =
      type === "stdio"
        ? {
            mcp_server_type: type,
            command,
            args: args
              .split("\n")
              .map((a) => a.trim())
              .filter(Boolean),
          }
        : { mcp_server_type: type, server_url: url };
    try {
      await api("POST", "mcp-servers/", { body: { server_name: name, config } });
      setName("");
      setCommand("");
      setArgs("");
      setUrl("");
      onAdded();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="card add-mcp" onSubmit={add} aria-label="Add an MCP server">
      <h2>Add an MCP server</h2>
      <div class="field-row">
        <label class="field">
          <span>Server name</span>
          <input value={name} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field narrow">
          <span>Transport</span>
          <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="stdio">stdio command</option>
            <option value="streamable_http">streamable HTTP</option>
            <option value="sse">SSE (legacy)</option>
          </select>
        </label>
      </div>
      {type === "stdio" ? (
        <div class="field-row">
          <label class="field">
            <span>Command</span>
            <input
              value={command}
              required
              placeholder="npx"
              onInput={(e) => setCommand(e.currentTarget.value)}
            />
          </label>
          <label class="field grow">
            <span>Arguments (one per line)</span>
            <textarea rows={2} value={args} onInput={(e) => setArgs(e.currentTarget.value)} />
          </label>
        </div>
      ) : (
        <label class="field">
          <span>Server URL</span>
          <input
            type="url"
            value={url}
            required
            placeholder="http://127.0.0.1:3000/mcp"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
      )}
      <ErrorNote error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          Add server
        </button>
      </div>
    </form>
  );
}

/** The MCP servers page (#/mcp). */
export function McpServersPage() {
  const servers = useLoad((signal) => api<McpServer[]>("GET", "mcp-servers/", { signal }), []);
  const agents = useLoad((signal) => api<Agent[]>("GET", "agents/", { query: { limit: 1000 }, signal }), []);
  return (
    <div class="page narrow-page">
      <header class="page-head">
        <h1>MCP servers</h1>
      </header>
      <p class="lede">
        Servers speaking the Model Context Protocol; their tools can be attached to agents like any other.
      </p>
      <AddServer onAdded={() => void servers.reload()} />
      <ErrorNote error={servers.error} />
      {(servers.data ?? []).map((s) => (
        <ServerCard key={s.id} server={s} agents={agents.data ?? []} onChange={() => void servers.reload()} />
      ))}
      {servers.data?.length === 0 ? <p class="muted">No MCP servers yet.</p> : null}
    </div>
  );
}
