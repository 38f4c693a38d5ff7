// An agent's in-context message ids, one row per position (positions are contiguous and may start
// anywhere, even below 0). A step appends a few ids; an eviction drops a prefix and may put a summary in
// front; both write only the rows that change. Anything else rewrites the list.
import type { Sql } from "./sql.ts";

/** The agent's in-context ids, oldest first. */
export function readContext(sql: Sql, agentId: string): string[] {
  return sql
    .stmt("SELECT message_id FROM agent_context WHERE agent_id = ? ORDER BY position")
    .pluck()
    .all(agentId) as string[];
}

function startsWith(list: string[], prefix: string[]): boolean {
  for (let i = 0; i < prefix.length; i++) if (list[i] !== prefix[i]) return false;
  return true;
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

/** Replaces the agent's list with next, given the list stored now (prev), inside the caller's transaction. */
export function writeContext(sql: Sql, agentId: string, next: string[], prev: string[]): void {
  const insert = sql.stmt("INSERT INTO agent_context (agent_id, position, message_id) VALUES (?, ?, ?)");
  if (next.length < prev.length && startsWith(prev, next)) {
    // A truncation (e.g. a reset to an earlier window): drop the tail rows only.
    const base = sql
      .stmt("SELECT min(position) FROM agent_context WHERE agent_id = ?")
      .pluck()
      .get(agentId) as number;
    sql.run("DELETE FROM agent_context WHERE agent_id = ? AND position >= ?", agentId, base + next.length);
    return;
  }
  const match = keptSuffix(next, prev);
  if (!match) {
    if (prev.length) sql.run("DELETE FROM agent_context WHERE agent_id = ?", agentId);
    for (let i = 0; i < next.length; i++) insert.run(agentId, i, next[i]);
    return;
  }
  const base = sql
    .stmt("SELECT min(position) FROM agent_context WHERE agent_id = ?")
    .pluck()
    .get(agentId) as number;
  const { head, kept } = match;
  const first = base + kept;
  if (kept > 0) sql.run("DELETE FROM agent_context WHERE agent_id = ? AND position < ?", agentId, first);
  for (let i = 0; i < head; i++) insert.run(agentId, first - head + i, next[i]);
  const tailFrom = head + prev.length - kept;
  for (let i = tailFrom; i < next.length; i++) insert.run(agentId, first + (i - head), next[i]);
}
