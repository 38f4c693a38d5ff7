// The end of a run must reach the store: the sweep fails only the runs of processes that are gone, so a
// run whose end was lost while its process lives on would show "running" for as long as that process
// runs. When the write fails (the database restarting, unreachable for a while), the caller hears of it at
// once, and the same write is tried again in the background, backing off, until it lands or a long
// while has passed (a store that is closing fails every try; then the sweep of the next start fails it).
import type { RunRecord, Store } from "../store/types.ts";

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;
const GIVE_UP_MS = 10 * 60_000;

type RunEnd = Pick<RunRecord, "status" | "stopReason" | "completedAt">;

function retry(store: Store, runId: string, end: RunEnd, waitMs: number, giveUpAt: number): void {
  if (Date.now() > giveUpAt) return;
  const timer = setTimeout(() => {
    store.updateRun(runId, end).catch(() => {
      retry(store, runId, end, Math.min(waitMs * 2, MAX_RETRY_MS), giveUpAt);
    });
  }, waitMs);
  timer.unref();
}

/** Stores the end of a run; when that fails, rejects and keeps trying in the background. */
export async function storeRunEnd(store: Store, runId: string, end: RunEnd): Promise<void> {
  try {
    await store.updateRun(runId, end);
  } catch (e) {
    retry(store, runId, end, FIRST_RETRY_MS, Date.now() + GIVE_UP_MS);
    throw e;
  }
}
