// Core memory: every block of the agent, edited live with its limit and a diff of what changed, and a form
// to add a block (a standalone block attached to this agent).
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Block } from "../api/types.ts";
import { BlockEditor } from "../components/block-editor.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { useAgentData } from "../lib/agent-data.tsx";

function AddBlock({ agentId, onAdded }: { agentId: string; onAdded: () => void }) {
  const [label, setLabel] = useState("");
  const [value, setValue] = useState("");
  const [limit, setLimit] = useState(5000);
  const [error, setError] = useState<Error | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const block = await api<Block>("POST", "blocks/", { body: { label: label.trim(), value, limit } });
      await api("PATCH", `agents/${seg(agentId)}/core-memory/blocks/attach/${seg(block.id)}`);
      setLabel("");
      setValue("");
      onAdded();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return (
    <form class="card add-block" onSubmit={submit} aria-labelledby="add-block-title">
      <h2 id="add-block-title">Add a block</h2>
      <div class="field-row">
        <label class="field">
          <span>Label</span>
          <input
            value={label}
            required
            onInput={(e) => setLabel(e.currentTarget.value)}
            placeholder="projects"
          />
        </label>
        <label class="field narrow">
          <span>Limit (chars)</span>
          <input
            type="number"
            min={1}
            value={limit}
            onInput={(e) => setLimit(Number(e.currentTarget.value) || 1)}
          />
        </label>
      </div>
      <label class="field">
        <span>Value</span>
        <textarea rows={3} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      </label>
      <ErrorNote error={error} />
      <div class="form-actions">
        <button type="submit">Add block</button>
      </div>
    </form>
  );
}

/** The core memory page. */
export function MemoryPage() {
  const { agentId, blocks, refresh } = useAgentData();
  return (
    <div class="page narrow-page">
      <p class="lede">
        Core memory is always in the agent's context. The agent edits it with its memory tools; you can edit
        it here. The next step's prompt uses what is saved.
      </p>
      <ErrorNote error={blocks.error} />
      <div class="block-list">
        {(blocks.data ?? []).map((b) => (
          <BlockEditor key={b.id} agentId={agentId} block={b} onSaved={() => void refresh()} rows={6} />
        ))}
      </div>
      <AddBlock agentId={agentId} onAdded={() => void refresh()} />
    </div>
  );
}
