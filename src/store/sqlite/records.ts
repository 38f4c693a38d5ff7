// Generic reads and writes of one record table through its codec, and the many-to-many joins between
// an agent and its blocks, tools and sources.
import { LmosError } from "../../errors.ts";
import {
  agentBlocksJoin,
  agentSourcesJoin,
  agentToolsJoin,
  type Join,
  joinSql,
  patchValues,
  recordByIdSql,
  recordBySql,
} from "../sql/records.ts";
import { type Codec, decode, encode, insertSql, updateSql } from "./codec.ts";
import type { Sql } from "./sql.ts";

export { agentBlocksJoin, agentSourcesJoin, agentToolsJoin, type Join };

/** The record with this id, or null. */
export function getRecord<T>(sql: Sql, codec: Codec<T>, id: string): T | null {
  const row = sql.get<Record<string, unknown>>(recordByIdSql(codec), id);
  return row ? decode(codec, row) : null;
}

/** The first record where `column = value` in the given order, or null. */
export function getRecordBy<T>(
  sql: Sql,
  codec: Codec<T>,
  column: string,
  value: unknown,
  order = "created_at DESC, rowid DESC",
): T | null {
  const row = sql.get<Record<string, unknown>>(recordBySql(codec, column, order), value);
  return row ? decode(codec, row) : null;
}

/** Inserts a whole record. */
export function insertRecord<T>(sql: Sql, codec: Codec<T>, rec: T): void {
  sql.run(insertSql(codec), encode(codec, rec as Partial<T>));
}

/** Applies a patch without reading the record back (id is never changed; updatedAt defaults to now
 * where the table has it); not_found when the id is unknown. */
export function applyPatch<T extends { id: string }>(
  sql: Sql,
  codec: Codec<T>,
  id: string,
  patch: Partial<T>,
  what: string,
): void {
  const params = patchValues(codec, patch);
  const columns = Object.keys(params);
  const changed = columns.length
    ? sql.run(updateSql(codec, columns), { ...params, id }).changes
    : sql.get(`SELECT 1 FROM ${codec.table} WHERE id = ?`, id)
      ? 1
      : 0;
  if (changed === 0) throw new LmosError("not_found", `${what} ${id} not found`);
}

/** Applies a patch and returns the updated record. */
export function patchRecord<T extends { id: string }>(
  sql: Sql,
  codec: Codec<T>,
  id: string,
  patch: Partial<T>,
  what: string,
): T {
  applyPatch(sql, codec, id, patch, what);
  return getRecord(sql, codec, id)!;
}

/** Links an agent to a target (idempotent); not_found when either is missing. */
export function attach(sql: Sql, join: Join, agentId: string, targetId: string): void {
  if (!sql.get("SELECT 1 FROM agents WHERE id = ?", agentId)) {
    throw new LmosError("not_found", `agent ${agentId} not found`);
  }
  if (!sql.get(`SELECT 1 FROM ${join.target} WHERE id = ?`, targetId)) {
    throw new LmosError("not_found", `${join.what} ${targetId} not found`);
  }
  sql.run(joinSql.attach(join), agentId, targetId, agentId);
}

/** Unlinks an agent from a target (no-op when not linked). */
export function detach(sql: Sql, join: Join, agentId: string, targetId: string): void {
  sql.run(joinSql.detach(join), agentId, targetId);
}

/** The agent's linked records in attach order. */
export function joined<T>(sql: Sql, join: Join, codec: Codec<T>, agentId: string): T[] {
  return sql.all<Record<string, unknown>>(joinSql.joined(join, codec), agentId).map((r) => decode(codec, r));
}

/** Ids of the agents linked to a target, in link order. */
export function linkedAgents(sql: Sql, join: Join, targetId: string): string[] {
  return sql.all<{ agent_id: string }>(joinSql.linkedAgents(join, "rowid"), targetId).map((r) => r.agent_id);
}
