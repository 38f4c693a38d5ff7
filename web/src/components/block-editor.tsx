// One core memory block, edited in place: the value with its character count against the limit, saved with
// the button or Ctrl/⌘+Enter (Escape reverts). When the block changes under the editor — the agent edited
// it in a step — the editor takes the new value and shows a word diff of the change until dismissed; a
// change that arrives while the person is typing keeps their draft and says so.
import { useEffect, useId, useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Block } from "../api/types.ts";
import { int } from "../lib/format.ts";
import { DiffView } from "./diff-view.tsx";

// The value each block had when the person last saw or saved it, by agent and label: survives page changes.
const seen = new Map<string, string>();

export interface BlockEditorProps {
  agentId: string;
  block: Block;
  /** Called after a save, with the stored block. */
  onSaved(block: Block): void;
  /** Rows of the text area. */
  rows?: number;
  /** Leave out the description (a narrow side panel); it stays as the label's tooltip. */
  compact?: boolean;
}

/** The editor of one block. */
export function BlockEditor({ agentId, block, onSaved, rows = 4, compact = false }: BlockEditorProps) {
  const key = `${agentId}/${block.label}`;
  if (!seen.has(key)) seen.set(key, block.value);
  const [baseline, setBaseline] = useState(seen.get(key) ?? block.value);
  const [draft, setDraft] = useState<string | null>(null);
  const [editedAt, setEditedAt] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  // Another editor (a second panel on the page) may have acknowledged the change.
  useEffect(() => setBaseline(seen.get(key) ?? block.value), [key, block.value]);

  const value = draft ?? block.value;
  // Tall enough for what the block holds (about 70 characters a line), within reason.
  const lines = value.split("\n").reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 70)), 0);
  const height = Math.min(14, Math.max(rows, lines + 1));
  const over = value.length > block.limit;
  const dirty = draft !== null && draft !== block.value;
  const changed = baseline !== block.value;
  const conflict = dirty && editedAt !== null && editedAt !== block.value;

  function acknowledge() {
    seen.set(key, block.value);
    setBaseline(block.value);
  }

  async function save() {
    if (!dirty || over || saving || block.read_only) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await api<Block>(
        "PATCH",
        `agents/${seg(agentId)}/core-memory/blocks/${seg(block.label)}`,
        {
          body: { value: draft },
        },
      );
      seen.set(key, saved.value);
      setBaseline(saved.value);
      setDraft(null);
      setEditedAt(null);
      onSaved(saved);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  }

  function revert() {
    setDraft(null);
    setEditedAt(null);
    setError(null);
  }

  return (
    <section class="block" data-block={block.label} aria-labelledby={`${id}-label`}>
      <header class="block-head">
        <label
          id={`${id}-label`}
          for={`${id}-value`}
          class="block-label"
          title={block.description ?? undefined}
        >
          {block.label}
        </label>
        <span class={over ? "chars over num" : "chars num"} id={`${id}-chars`}>
          {int(value.length)} / {int(block.limit)} chars
        </span>
      </header>
      {block.description && !compact ? <p class="block-desc">{block.description}</p> : null}
      <textarea
        id={`${id}-value`}
        rows={height}
        value={value}
        readOnly={block.read_only}
        aria-describedby={`${id}-chars`}
        aria-invalid={over}
        onInput={(e) => {
          if (draft === null) setEditedAt(block.value);
          setDraft((e.target as HTMLTextAreaElement).value);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void save();
          } else if (e.key === "Escape" && draft !== null) {
            e.preventDefault();
            revert();
          }
        }}
      />
      <div class="block-actions">
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : over ? (
          <p class="error">Over the limit by {int(value.length - block.limit)} characters.</p>
        ) : conflict ? (
          <p class="warn">The block changed while you were editing; saving replaces that change.</p>
        ) : (
          <span />
        )}
        <div class="buttons">
          {draft !== null ? (
            <button type="button" class="quiet" onClick={revert}>
              Revert
            </button>
          ) : null}
          <button
            type="button"
            class={dirty ? undefined : "quiet"}
            onClick={() => void save()}
            disabled={!dirty || over || saving}
          >
            {saving ? "Saving…" : "Save"}
          </button>
        </div>
      </div>
      {changed && draft === null ? (
        <div class="block-change" data-testid="block-change" aria-live="polite">
          <div class="block-change-head">
            <span>Changed since you last looked</span>
            <button type="button" class="quiet small" onClick={acknowledge}>
              Dismiss
            </button>
          </div>
          <DiffView before={baseline} after={block.value} />
        </div>
      ) : null}
    </section>
  );
}
