// This process's heartbeat in the processes table: a row per run-owner token, its seen_at moved to the
// database's now every BEAT_MS while a store is open. Replicas on other machines cannot signal our pid;
// they read the row instead, and a row older than STALE_MS means the process is gone (runs.ts).
import type { RunOwner } from "../types.ts";
import type { Q } from "./db.ts";

export const BEAT_MS = 5_000;
/** Three beats missed. */
export const STALE_MS = 3 * BEAT_MS;

/** Records that `owner` is alive now. */
export async function beat(q: Q, owner: RunOwner): Promise<void> {
  await q.run(
    `INSERT INTO processes (token, host, pid, seen_at)
     VALUES (?, ?, ?, (extract(epoch from clock_timestamp()) * 1000)::bigint)
     ON CONFLICT (token) DO UPDATE SET seen_at = excluded.seen_at`,
    owner.token,
    owner.host,
    owner.pid,
  );
}
