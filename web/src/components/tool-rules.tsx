// An agent's tool rules (Letta's tool_rules): the rules in force, each removable, and a form to add one —
// run first, terminal, continue, required before exit, requires approval, allowed children, after a parent,
// a maximum per run. Saving replaces the agent's rules (PATCH agents/{id} with tool_rules).
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Agent, ToolRule } from "../api/types.ts";
import { ErrorNote } from "./error-note.tsx";

const KINDS: Array<{ type: string; label: string }> = [
  { type: "run_first", label: "runs first" },
  { type: "exit_loop", label: "ends the run (terminal)" },
  { type: "continue_loop", label: "always continues the loop" },
  { type: "required_before_exit", label: "must run before the run ends" },
  { type: "requires_approval", label: "waits for approval" },
  { type: "constrain_child_tools", label: "may be followed only by…" },
  { type: "parent_last_tool", label: "may run only after…" },
  { type: "max_count_per_step", label: "may run at most N times" },
];

const labelOf = (type: string) => KINDS.find((k) => k.type === type)?.label ?? type;

function describe(r: ToolRule): string {
  if (r.children?.length) return `${labelOf(r.type)} ${r.children.join(", ")}`;
  if (r.type === "max_count_per_step") return `may run at most ${r.max_count_limit} times`;
  return labelOf(r.type);
}

/** The rules editor of one agent; `toolNames` are the tools it has. */
export function ToolRules({
  agent,
  toolNames,
  onSaved,
}: {
  agent: Agent;
  toolNames: string[];
  onSaved: (a: Agent) => void;
}) {
  const rules = agent.tool_rules ?? [];
  const [type, setType] = useState("run_first");
  const [tool, setTool] = useState("");
  const [children, setChildren] = useState<string[]>([]);
  const [max, setMax] = useState("1");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const needsChildren = type === "constrain_child_tools" || type === "parent_last_tool";

  async function save(next: ToolRule[]) {
    setError(null);
    setBusy(true);
    try {
      onSaved(await api<Agent>("PATCH", `agents/${seg(agent.id)}`, { body: { tool_rules: next } }));
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }

  function add(e: Event) {
    e.preventDefault();
    const rule: ToolRule = { type, tool_name: tool };
    if (needsChildren) rule.children = children;
    if (type === "max_count_per_step") rule.max_count_limit = Number(max);
    void save([...rules, rule]).then(() => {
      setTool("");
      setChildren([]);
    });
  }

  return (
    <section class="card tool-rules" aria-labelledby="rules-title">
      <h2 id="rules-title">Tool rules</h2>
      <ul class="passages" aria-label="Rules in force">
        {rules.map((r, i) => (
          <li key={`${r.type}-${r.tool_name}-${i}`} class="passage" data-rule={r.type}>
            <div class="passage-meta">
              <span>
                <code>{r.tool_name}</code> {describe(r)}
              </span>
              <button
                type="button"
                class="quiet small"
                disabled={busy}
                aria-label={`Remove rule: ${r.tool_name} ${describe(r)}`}
                onClick={() => void save(rules.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
          </li>
        ))}
        {rules.length === 0 ? <li class="muted">No rules: the model calls tools as it likes.</li> : null}
      </ul>
      <form class="inline-form" onSubmit={add} aria-label="Add a rule">
        <label class="field">
          <span id="rule-tool">Tool</span>
          <select
            aria-labelledby="rule-tool"
            value={tool}
            required
            onChange={(e) => setTool(e.currentTarget.value)}
          >
            <option value="">choose…</option>
            {toolNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span id="rule-type">Rule</span>
          <select aria-labelledby="rule-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {KINDS.map((k) => (
              <option key={k.type} value={k.type}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        {needsChildren ? (
          <label class="field">
            <span id="rule-children">Tools</span>
            <select
              aria-labelledby="rule-children"
              multiple
              size={Math.min(5, toolNames.length)}
              onChange={(e) => setChildren(Array.from(e.currentTarget.selectedOptions, (o) => o.value))}
            >
              {toolNames.map((n) => (
                <option key={n} value={n} selected={children.includes(n)}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {type === "max_count_per_step" ? (
          <label class="field narrow">
            <span>Times</span>
            <input type="number" min={1} value={max} onInput={(e) => setMax(e.currentTarget.value)} />
          </label>
        ) : null}
        <button type="submit" disabled={busy || !tool || (needsChildren && children.length === 0)}>
          Add rule
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
