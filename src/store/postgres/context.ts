// An agent's in-context message ids, one row per position (contiguous, may start anywhere). The diff
// that writes only the rows a step changes is the SQLite store's idea (sqlite/context.ts), done here in
// a few statements: drop the positions that leave, insert the ones that come, over the list read in the
// caller's transaction after it has locked the agent row.
import type { Q } from "./db.ts";

/** The agent's in-context ids, oldest first. */
export async function readContext(q: Q, agentId: string): Promise<string[]> {
  const rows = await q.all<{ message_id: string }>(
    "SELECT message_id FROM agent_context WHERE agent_id = ? ORDER BY position",
    agentId,
  );
  return rows.map((r) => r.message_id);
}

// How next keeps a suffix of prev: next = next[0..head) + prev[kept..] + next[head + prev.length - kept..].
function keptSuffix(next: string[], prev: string[]): { head: number; kept: number } | null {
  if (prev.length === 0) return null;
  for (let head = 0; head <= Math.min(4, next.length - 1); head++) {
    const kept = prev.indexOf(next[head]);
    if (kept < 0 || next.length - head < prev.length - kept) continue;
    let same = true;
    for (let i = kept; i < prev.length && same; i++) same = next[head + i - kept] === prev[i];
    if (same) return { head, kept };
  }
  return null;
}

async function insertAt(q: Q, agentId: string, rows: Array<[number, string]>): Promise<void> {
  if (rows.length === 0) return;
  await q.run(
    `INSERT INTO agent_context (agent_id, position, message_id)
     SELECT ?, p, m FROM unnest(?::int[], ?::text[]) AS x(p, m)`,
    agentId,
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
  );
}

/** Replaces the agent's list with next, inside the caller's transaction, which holds the agent row's lock. */
export async function writeContext(q: Q, agentId: string, next: string[]): Promise<void> {
  const base =
    (
      await q.get<{ b: number | null }>(
        "SELECT min(position) AS b FROM agent_context WHERE agent_id = ?",
        agentId,
      )
    )?.b ?? 0;
  const prev = await readContext(q, agentId);
  const match = keptSuffix(next, prev);
  if (next.length < prev.length && prev.slice(0, next.length).every((id, i) => id === next[i])) {
    await q.run(
      "DELETE FROM agent_context WHERE agent_id = ? AND position >= ?",
      agentId,
      base + next.length,
    );
    return;
  }
  if (!match) {
    if (prev.length) await q.run("DELETE FROM agent_context WHERE agent_id = ?", agentId);
    await insertAt(
      q,
      agentId,
      next.map((id, i) => [i, id]),
    );
    return;
  }
  const { head, kept } = match;
  const first = base + kept;
  if (kept > 0) await q.run("DELETE FROM agent_context WHERE agent_id = ? AND position < ?", agentId, first);
  const rows: Array<[number, string]> = [];
  for (let i = 0; i < head; i++) rows.push([first - head + i, next[i]]);
  const tailFrom = head + prev.length - kept;
  for (let i = tailFrom; i < next.length; i++) rows.push([first + (i - head), next[i]]);
  await insertAt(q, agentId, rows);
}
