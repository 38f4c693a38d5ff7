// The SQL of the generic record reads and writes and of the agent links, one text for both stores (each
// store's records.ts runs it its own way: SQLite synchronously, PostgreSQL through a pool), and the values
// a patch writes.
import { nowIso } from "../ids.ts";
import { type Codec, encode, selectList } from "../sqlite/codec.ts";

/** The record with `id`. */
export function recordByIdSql<T>(codec: Codec<T>): string {
  return `SELECT ${selectList(codec)} FROM ${codec.table} WHERE id = ?`;
}

/** The first record where `column = ?` in `order`. */
export function recordBySql<T>(codec: Codec<T>, column: string, order: string): string {
  return `SELECT ${selectList(codec)} FROM ${codec.table} WHERE ${column} = ? ORDER BY ${order} LIMIT 1`;
}

/** The columns a patch writes, by column name (never the id; updated_at now where the table has it and the
 * patch does not say). */
export function patchValues<T>(codec: Codec<T>, patch: Partial<T>): Record<string, unknown> {
  const values = encode(codec, patch);
  delete values.id;
  if (codec.columns.some((c) => c[1] === "updated_at") && values.updated_at == null)
    values.updated_at = nowIso();
  return values;
}

/** A join table between agents and another table (blocks, tools, sources), kept in attach order. */
export interface Join {
  table: string;
  column: string;
  target: string;
  what: string;
}

export const agentBlocksJoin: Join = {
  table: "agent_blocks",
  column: "block_id",
  target: "blocks",
  what: "block",
};
export const agentToolsJoin: Join = {
  table: "agent_tools",
  column: "tool_id",
  target: "tools",
  what: "tool",
};
export const agentSourcesJoin: Join = {
  table: "agent_sources",
  column: "source_id",
  target: "sources",
  what: "source",
};

/** The statements of the links: parameters in the order each names. */
export const joinSql = {
  /** Links (agent, target) at the end of the agent's list, unless linked already: agent, target, agent. */
  attach: (j: Join) =>
    `INSERT INTO ${j.table} (agent_id, ${j.column}, position)
     VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM ${j.table} WHERE agent_id = ?))
     ON CONFLICT DO NOTHING`,
  /** Unlinks: agent, target. */
  detach: (j: Join) => `DELETE FROM ${j.table} WHERE agent_id = ? AND ${j.column} = ?`,
  /** The agent's linked records in attach order: agent. */
  joined: <T>(j: Join, codec: Codec<T>) =>
    `SELECT ${selectList(codec, "x")} FROM ${j.table} j JOIN ${codec.table} x ON x.id = j.${j.column}
     WHERE j.agent_id = ? ORDER BY j.position`,
  /** The agents linked to a target in link order (`linkOrder`: the table's insertion order): target. */
  linkedAgents: (j: Join, linkOrder: string) =>
    `SELECT agent_id FROM ${j.table} WHERE ${j.column} = ? ORDER BY ${linkOrder}`,
};
