// An error as a page shows it: the server's message, and its code when it has one.
import { ApiError } from "../api/client.ts";

/** Nothing when there is no error. */
export function ErrorNote({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  return (
    <p class="error-note" role="alert">
      {error.message}
      {error instanceof ApiError ? <span class="muted"> ({error.code})</span> : null}
    </p>
  );
}
