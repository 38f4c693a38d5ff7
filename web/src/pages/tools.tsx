// The agent's tools, read-only: name, kind and argument schema. Seam for the tools issue: creating custom
// tools, tool rules, approvals and MCP servers get their pages here (see the PAGES table in app.tsx).
import { useAgentData } from "../lib/agent-data.tsx";

/** The tools page. */
export function ToolsPage() {
  const { agent } = useAgentData();
  const tools = agent.data?.tools ?? [];
  return (
    <div class="page narrow-page">
      <p class="lede">
        The tools this agent can call. Custom tools and MCP servers are managed through the API for now.
      </p>
      <ul class="passages">
        {tools.map((t) => (
          <li key={t.id} class="passage" data-tool={t.name}>
            <details>
              <summary>
                <code>{t.name}</code> <span class="muted">{t.tool_type ?? ""}</span>
              </summary>
              <p>{t.description}</p>
              <pre class="prompt">{JSON.stringify(t.json_schema, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}
