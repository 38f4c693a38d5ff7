// The agents page: every agent with its model and memory, a form to create one (model, system prompt,
// memory blocks with their limits), and delete.
import { useState } from "preact/hooks";
import { useLocation } from "wouter-preact";
import { api, seg } from "../api/client.ts";
import type { Agent, Model } from "../api/types.ts";
import { ConfirmButton } from "../components/confirm-button.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { int, when } from "../lib/format.ts";
import { useLoad } from "../lib/use-load.ts";

interface BlockRow {
  label: string;
  value: string;
  limit: number;
}

const DEFAULT_BLOCKS: BlockRow[] = [
  { label: "persona", value: "I am a helpful assistant with a long memory.", limit: 5000 },
  { label: "human", value: "", limit: 5000 },
];

function CreateAgentForm({ models, onCreated }: { models: Model[]; onCreated: (a: Agent) => void }) {
  const [name, setName] = useState("");
  const [model, setModel] = useState("");
  const [system, setSystem] = useState("");
  const [blocks, setBlocks] = useState<BlockRow[]>(DEFAULT_BLOCKS);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = model || models[0]?.handle || "";

  const setRow = (i: number, patch: Partial<BlockRow>) =>
    setBlocks((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const agent = await api<Agent>("POST", "agents/", {
        body: {
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(chosen ? { model: chosen } : {}),
          ...(system.trim() ? { system } : {}),
          memory_blocks: blocks
            .filter((b) => b.label.trim())
            .map((b) => ({ label: b.label.trim(), value: b.value, limit: b.limit })),
        },
      });
      setName("");
      setSystem("");
      setBlocks(DEFAULT_BLOCKS);
      onCreated(agent);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card create-agent" onSubmit={submit} aria-labelledby="create-agent-title">
      <h2 id="create-agent-title">New agent</h2>
      <div class="field-row">
        <label class="field">
          <span>Name</span>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="ada" />
        </label>
        <label class="field">
          <span>Model</span>
          <input
            list="model-handles"
            value={chosen}
            onInput={(e) => setModel(e.currentTarget.value)}
            placeholder="provider/model"
            required
          />
        </label>
        <datalist id="model-handles">
          {models.map((m) => (
            <option key={m.handle} value={m.handle}>
              {int(m.context_window)} tokens
            </option>
          ))}
        </datalist>
      </div>
      <details class="advanced">
        <summary>System prompt</summary>
        <label class="field">
          <span>System prompt (empty: lmos's MemGPT prompt)</span>
          <textarea rows={4} value={system} onInput={(e) => setSystem(e.currentTarget.value)} />
        </label>
      </details>
      <fieldset class="blocks-fieldset">
        <legend>Core memory blocks</legend>
        {blocks.map((b, i) => (
          <div class="block-row" key={i}>
            <label class="field">
              <span>Label</span>
              <input value={b.label} onInput={(e) => setRow(i, { label: e.currentTarget.value })} />
            </label>
            <label class="field grow">
              <span>Value</span>
              <textarea
                rows={2}
                value={b.value}
                onInput={(e) => setRow(i, { value: e.currentTarget.value })}
              />
            </label>
            <label class="field narrow">
              <span>Limit</span>
              <input
                type="number"
                min={1}
                value={b.limit}
                onInput={(e) => setRow(i, { limit: Number(e.currentTarget.value) || 1 })}
              />
            </label>
            <button
              type="button"
              class="quiet small"
              aria-label={`Remove block ${b.label || i + 1}`}
              onClick={() => setBlocks((rows) => rows.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          class="quiet"
          onClick={() => setBlocks((rows) => [...rows, { label: "", value: "", limit: 5000 }])}
        >
          Add block
        </button>
      </fieldset>
      <ErrorNote error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create agent"}
        </button>
      </div>
    </form>
  );
}

/** The agents page. */
export function AgentsPage({ onChange }: { onChange: () => void }) {
  const agents = useLoad((signal) => api<Agent[]>("GET", "agents/", { query: { limit: 1000 }, signal }), []);
  const models = useLoad((signal) => api<Model[]>("GET", "models/", { signal }), []);
  const [, navigate] = useLocation();
  const [error, setError] = useState<Error | null>(null);

  return (
    <div class="page">
      <header class="page-head">
        <h1>Agents</h1>
      </header>
      <ErrorNote error={agents.error ?? error} />
      {agents.data && agents.data.length === 0 ? <p class="muted">No agents yet: create one below.</p> : null}
      {agents.data?.length ? (
        <table class="table agents-table">
          <caption class="sr-only">Agents</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Model</th>
              <th scope="col">Memory blocks</th>
              <th scope="col">Last run</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agents.data.map((a) => (
              <tr key={a.id} data-agent={a.name}>
                <th scope="row">
                  <a href={`#/agents/${seg(a.id)}/chat`}>{a.name}</a>
                </th>
                <td>
                  <code>{a.llm_config.handle ?? a.model ?? a.llm_config.model}</code>
                </td>
                <td>{a.blocks.map((b) => b.label).join(", ") || "–"}</td>
                <td>{when(a.last_run_completion)}</td>
                <td class="actions">
                  <ConfirmButton
                    label="Delete"
                    question={`Delete ${a.name}?`}
                    onConfirm={async () => {
                      try {
                        await api("DELETE", `agents/${seg(a.id)}`);
                        await agents.reload();
                        onChange();
                      } catch (e) {
                        setError(e instanceof Error ? e : new Error(String(e)));
                      }
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <CreateAgentForm
        models={models.data ?? []}
        onCreated={(a) => {
          onChange();
          navigate(`/agents/${seg(a.id)}/chat`);
        }}
      />
    </div>
  );
}
