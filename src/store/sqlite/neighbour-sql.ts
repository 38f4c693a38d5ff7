// The SQL of the ranker's neighbour queries (Store.messageNeighbours, Store.passageNeighbours), one text for
// both stores: SQLite and PostgreSQL differ only in how the list of hit ids is bound (`idsIn`).
import type { Neighbours } from "../types.ts";

// Row values, not `a < x OR (a = x AND b < y)`: both databases read a row-value comparison as one range
// of the (agent, created_at, seq) index; SQLite cannot with the OR and walked every row of the agent per
// hit (100 hits over 10,000 passages: 100 ms → 0.4 ms).
const before = (t: string) => `(${t}.created_at, ${t}.seq) < (h.created_at, h.seq)`;
const after = (t: string) => `(${t}.created_at, ${t}.seq) > (h.created_at, h.seq)`;

/** Each hit `h` of one agent with its nearest turn before and after by (created_at, seq) that meets `cond`
 * (over alias m). Parameters: cond's twice, then the agent id, then the ids. */
export function messageNeighbourSql(cond: string, idsIn: string): string {
  return `SELECT h.id AS id,
       (SELECT m.id FROM messages m WHERE ${cond} AND ${before("m")} ORDER BY m.created_at DESC, m.seq DESC LIMIT 1) AS previous,
       (SELECT m.id FROM messages m WHERE ${cond} AND ${after("m")} ORDER BY m.created_at ASC, m.seq ASC LIMIT 1) AS next
     FROM messages h WHERE h.agent_id = ? AND h.id ${idsIn}`;
}

/** Each passage `h` with its nearest passage before and after that meets `cond` (" AND …" over alias p):
 * chunks by seq within their file, archival passages by (created_at, seq) within their agent. Parameters:
 * cond's four times, then the ids. */
export function passageNeighbourSql(cond: string, idsIn: string): string {
  const fileScope = "p.file_id = h.file_id";
  const agentScope = "p.agent_id = h.agent_id AND p.file_id IS NULL";
  const side = (scope: string, cmp: string, order: string) =>
    `(SELECT p.id FROM passages p WHERE ${scope} AND ${cmp}${cond} ORDER BY ${order} LIMIT 1)`;
  return `SELECT h.id AS id,
       CASE WHEN h.file_id IS NOT NULL
         THEN ${side(fileScope, "p.seq < h.seq", "p.seq DESC")}
         ELSE ${side(agentScope, before("p"), "p.created_at DESC, p.seq DESC")} END AS previous,
       CASE WHEN h.file_id IS NOT NULL
         THEN ${side(fileScope, "p.seq > h.seq", "p.seq ASC")}
         ELSE ${side(agentScope, after("p"), "p.created_at ASC, p.seq ASC")} END AS next
     FROM passages h WHERE h.id ${idsIn}`;
}

/** The rows in the order the ids were asked, unknown ids skipped. */
export function inAskedOrder(ids: string[], rows: Neighbours[]): Neighbours[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
