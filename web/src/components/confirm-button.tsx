// A destructive action in two presses: the button asks once more in place (no modal to trap focus).
import { useState } from "preact/hooks";

/** "Delete" → "Delete agent ada?" [Delete] [Cancel]. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
}: {
  label: string;
  question: string;
  onConfirm: () => void | Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="quiet danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm">
      <span class="confirm-q">{question}</span>
      <button
        type="button"
        class="danger"
        disabled={busy}
        // biome-ignore lint/a11y/noAutofocus: the question appeared because this button was pressed
        autoFocus
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {label}
      </button>
      <button type="button" class="quiet" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
