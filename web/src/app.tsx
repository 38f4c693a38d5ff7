// The app: the API key gate, the sidebar, and the pages by hash route (#/agents/…), so the server needs no
// routing of its own and the page works under any path prefix.
//
// Pages of one agent are listed in AGENT_PAGES (add a row and a component for a new one); the server-wide
// pages (agents, sources, tools, MCP servers) are routes of the Shell.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Route, Router, Switch, useLocation } from "wouter-preact";
import { useHashLocation } from "wouter-preact/use-hash-location";
import { ApiError, api, currentKey, seg, setKey, unauthorized } from "./api/client.ts";
import type { Agent } from "./api/types.ts";
import { ErrorNote } from "./components/error-note.tsx";
import { AgentDataProvider, useAgentData } from "./lib/agent-data.tsx";
import { int } from "./lib/format.ts";
import { useLoad } from "./lib/use-load.ts";
import { AgentsPage } from "./pages/agents.tsx";
import { ArchivalPage } from "./pages/archival.tsx";
import { ChatPage } from "./pages/chat.tsx";
import { ContextPage } from "./pages/context.tsx";
import { MemoryPage } from "./pages/memory.tsx";
import { RecallPage } from "./pages/recall.tsx";
import { RunsPage } from "./pages/runs.tsx";
import { McpServersPage } from "./pages/mcp-servers.tsx";
import { SourcesPage } from "./pages/sources.tsx";
import { ToolLibraryPage } from "./pages/tool-library.tsx";
import { ToolsPage } from "./pages/tools.tsx";

/** The pages of one agent, in the order of its navigation. */
const AGENT_PAGES: Array<{ path: string; label: string; page: ComponentType }> = [
  { path: "chat", label: "Chat", page: ChatPage },
  { path: "memory", label: "Core memory", page: MemoryPage },
  { path: "archival", label: "Archival", page: ArchivalPage },
  { path: "recall", label: "Recall", page: RecallPage },
  { path: "context", label: "Context window", page: ContextPage },
  { path: "runs", label: "Runs", page: RunsPage },
  { path: "tools", label: "Tools", page: ToolsPage },
];

function KeyPrompt({ onDone }: { onDone: () => void }) {
  const [key, setValue] = useState("");
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setKey(key.trim(), remember);
    try {
      await api("GET", "agents/", { query: { limit: 1 } });
      onDone();
    } catch (err) {
      setKey(null);
      setError(
        err instanceof ApiError && err.status === 401
          ? new Error("The server did not accept that key.")
          : err instanceof Error
            ? err
            : new Error(String(err)),
      );
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="gate" id="main">
      <form class="card gate-card" onSubmit={submit} aria-labelledby="gate-title">
        <h1 id="gate-title">This server needs an API key</h1>
        <p class="muted">
          It was started with <code>LMOS_API_KEY</code>. Enter the same key; it is sent only to this server.
        </p>
        <label class="field">
          <span>API key</span>
          <input
            type="password"
            autoComplete="current-password"
            value={key}
            required
            // biome-ignore lint/a11y/noAutofocus: the only thing to do on this screen
            autoFocus
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          <span>Remember on this computer</span>
        </label>
        <ErrorNote error={error} />
        <div class="form-actions">
          <button type="submit" disabled={busy || !key.trim()}>
            Continue
          </button>
        </div>
      </form>
    </main>
  );
}

function Sidebar({ agents, version }: { agents: Agent[]; version: string }) {
  const [location] = useLocation();
  const current = (href: string) =>
    location === href || location.startsWith(`${href}/`) ? "page" : undefined;
  return (
    <nav class="sidebar" aria-label="Main">
      <a class="brand" href="#/">
        <img src="./favicon.svg" alt="" width={22} height={22} />
        <span>lmos</span>
      </a>
      <ul class="nav">
        <li>
          <a href="#/" aria-current={location === "/" ? "page" : undefined}>
            Agents
          </a>
        </li>
        <li>
          <a href="#/sources" aria-current={current("/sources")}>
            Sources
          </a>
        </li>
        <li>
          <a href="#/tools" aria-current={current("/tools")}>
            Tools
          </a>
        </li>
        <li>
          <a href="#/mcp" aria-current={current("/mcp")}>
            MCP servers
          </a>
        </li>
      </ul>
      <h2 class="nav-title">Your agents</h2>
      <ul class="nav agent-nav">
        {agents.map((a) => (
          <li key={a.id}>
            <a href={`#/agents/${seg(a.id)}/chat`} aria-current={current(`/agents/${seg(a.id)}`)}>
              {a.name}
            </a>
          </li>
        ))}
        {agents.length === 0 ? <li class="muted">none yet</li> : null}
      </ul>
      <footer class="sidebar-foot">
        <span class="muted">lmos {version}</span>
        {currentKey() ? (
          <button
            type="button"
            class="quiet small"
            onClick={() => {
              setKey(null);
              window.location.reload();
            }}
          >
            Forget key
          </button>
        ) : null}
      </footer>
    </nav>
  );
}

function AgentHeader() {
  const { agentId, agent } = useAgentData();
  const [location] = useLocation();
  const a = agent.data;
  return (
    <header class="agent-head">
      <div class="agent-title">
        <h1>{a?.name ?? "…"}</h1>
        {a ? (
          <span class="muted">
            <code>{a.llm_config.handle ?? a.model}</code> · {int(a.llm_config.context_window)} token window
          </span>
        ) : null}
      </div>
      <ErrorNote error={agent.error} />
      <nav aria-label="Agent" class="tabs">
        {AGENT_PAGES.map((p) => {
          const href = `/agents/${seg(agentId)}/${p.path}`;
          return (
            <a key={p.path} href={`#${href}`} aria-current={location === href ? "page" : undefined}>
              {p.label}
            </a>
          );
        })}
      </nav>
    </header>
  );
}

function AgentPages({ agentId }: { agentId: string }) {
  return (
    <AgentDataProvider agentId={agentId}>
      <div class="agent-view">
        <AgentHeader />
        <Switch>
          {AGENT_PAGES.map((p) => (
            <Route key={p.path} path={`/agents/:id/${p.path}`}>
              <p.page />
            </Route>
          ))}
          <Route>
            <ChatPage />
          </Route>
        </Switch>
      </div>
    </AgentDataProvider>
  );
}

function Shell() {
  const agents = useLoad((signal) => api<Agent[]>("GET", "agents/", { query: { limit: 1000 }, signal }), []);
  const health = useLoad((signal) => api<{ version: string }>("GET", "health/", { signal }), []);
  return (
    <div class="shell">
      {/* A button, not a link: "#main" would be a route to the hash router. */}
      <button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <Sidebar agents={agents.data ?? []} version={health.data?.version ?? ""} />
      <main class="main" id="main" tabIndex={-1}>
        <Switch>
          <Route path="/sources" component={SourcesPage} />
          <Route path="/tools" component={ToolLibraryPage} />
          <Route path="/mcp" component={McpServersPage} />
          <Route path="/agents/:id/*?">
            {(params: { id: string }) => (
              <AgentPages key={params.id} agentId={decodeURIComponent(params.id)} />
            )}
          </Route>
          <Route>
            <AgentsPage onChange={() => void agents.reload()} />
          </Route>
        </Switch>
      </main>
    </div>
  );
}

/** The whole UI. */
export function App() {
  const [locked, setLocked] = useState<boolean | null>(null);
  useEffect(() => {
    const lock = () => setLocked(true);
    unauthorized.add(lock);
    api("GET", "agents/", { query: { limit: 1 } }).then(
      () => setLocked(false),
      (e) => setLocked(e instanceof ApiError && e.status === 401),
    );
    return () => unauthorized.delete(lock);
  }, []);
  if (locked === null) return <p class="muted pad">Connecting…</p>;
  if (locked) return <KeyPrompt onDone={() => setLocked(false)} />;
  return (
    <Router hook={useHashLocation}>
      <Shell />
    </Router>
  );
}
