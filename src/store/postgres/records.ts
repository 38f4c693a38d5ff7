// Generic reads and writes of one record table through the codecs the SQLite store defines (the tables
// have the same columns), cursor paging, and the joins between an agent and its blocks, tools and sources.
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
import type { Page } from "../types.ts";
import { type Codec, decode, encode, selectList } from "../sqlite/codec.ts";
import { postgresDialect } from "../sql/dialect.ts";
import * as shared from "../sql/paging.ts";
import type { Select } from "../sql/paging.ts";
import type { Q } from "./db.ts";

export { agentBlocksJoin, agentSourcesJoin, agentToolsJoin, decode, type Join, selectList };
export type { Select };

/** The record with this id, or null. */
export async function getRecord<T>(q: Q, codec: Codec<T>, id: string, lock = ""): Promise<T | null> {
  const row = await q.get<Record<string, unknown>>(`${recordByIdSql(codec)}${lock}`, id);
  return row ? decode(codec, row) : null;
}

/** The latest-created record where `column = value`, or null. */
export async function getRecordBy<T>(
  q: Q,
  codec: Codec<T>,
  column: string,
  value: unknown,
): Promise<T | null> {
  const row = await q.get<Record<string, unknown>>(
    recordBySql(codec, column, "created_at DESC, seq DESC"),
    value,
  );
  return row ? decode(codec, row) : null;
}

/** INSERT of a record's fields (a field the record lacks takes the column's default). */
export function insertStatement<T>(
  codec: Codec<T>,
  rec: Partial<T>,
  skip: string[] = [],
): { sql: string; params: unknown[] } {
  const values = encode(codec, rec);
  const columns = codec.columns.map((c) => c[1]).filter((c) => !skip.includes(c));
  const params: unknown[] = [];
  const slots = columns.map((c) => {
    if (!(c in values)) return "DEFAULT";
    params.push(values[c]);
    return "?";
  });
  return {
    sql: `INSERT INTO ${codec.table} (${columns.map(quoteColumn).join(", ")}) VALUES (${slots.join(", ")})`,
    params,
  };
}

/** Inserts a whole record. */
export async function insertRecord<T>(q: Q, codec: Codec<T>, rec: T): Promise<void> {
  const { sql, params } = insertStatement(codec, rec as Partial<T>);
  await q.run(sql, ...params);
}

// "offset" is a reserved word in PostgreSQL.
export function quoteColumn(c: string): string {
  return c === "offset" ? `"offset"` : c;
}

/** Applies a patch without reading the record back (updatedAt defaults to now where the table has it);
 * not_found when the id is unknown. */
export async function applyPatch<T extends { id: string }>(
  q: Q,
  codec: Codec<T>,
  id: string,
  patch: Partial<T>,
  what: string,
): Promise<void> {
  const values = patchValues(codec, patch);
  const columns = Object.keys(values);
  const changed = columns.length
    ? await q.run(
        `UPDATE ${codec.table} SET ${columns.map((c) => `${quoteColumn(c)} = ?`).join(", ")} WHERE id = ?`,
        ...columns.map((c) => values[c]),
        id,
      )
    : (await q.get(`SELECT 1 FROM ${codec.table} WHERE id = ?`, id))
      ? 1
      : 0;
  if (changed === 0) throw new LmosError("not_found", `${what} ${id} not found`);
}

/** Applies a patch and returns the updated record. */
export async function patchRecord<T extends { id: string }>(
  q: Q,
  codec: Codec<T>,
  id: string,
  patch: Partial<T>,
  what: string,
): Promise<T> {
  await applyPatch(q, codec, id, patch, what);
  return (await getRecord(q, codec, id))!;
}

/** The shared cursor paging (sql/paging.ts) in PostgreSQL's dialect. */
export function pagedSql(
  select: Select,
  keys: { table: string; alias: string; tiebreak: string },
  q: Page,
): { sql: string; params: unknown[] } {
  return shared.pagedSql(postgresDialect, select, keys, q);
}

/** A condition that a JSON-array text column holds any (or all) of the given tags. */
export function tagCondition(column: string, tags: string[], all: boolean, params: unknown[]): string {
  return shared.tagCondition(postgresDialect, column, tags, all, params);
}

/** Links an agent to a target (idempotent); not_found when either is missing. */
export async function attach(q: Q, join: Join, agentId: string, targetId: string): Promise<void> {
  if (!(await q.get("SELECT 1 FROM agents WHERE id = ?", agentId))) {
    throw new LmosError("not_found", `agent ${agentId} not found`);
  }
  if (!(await q.get(`SELECT 1 FROM ${join.target} WHERE id = ?`, targetId))) {
    throw new LmosError("not_found", `${join.what} ${targetId} not found`);
  }
  await q.run(joinSql.attach(join), agentId, targetId, agentId);
}

/** Unlinks an agent from a target (no-op when not linked). */
export async function detach(q: Q, join: Join, agentId: string, targetId: string): Promise<void> {
  await q.run(joinSql.detach(join), agentId, targetId);
}

/** The agent's linked records in attach order. */
export async function joined<T>(q: Q, join: Join, codec: Codec<T>, agentId: string): Promise<T[]> {
  const rows = await q.all<Record<string, unknown>>(joinSql.joined(join, codec), agentId);
  return rows.map((r) => decode(codec, r));
}

/** Ids of the agents linked to a target, in link order. */
export async function linkedAgents(q: Q, join: Join, targetId: string): Promise<string[]> {
  const rows = await q.all<{ agent_id: string }>(joinSql.linkedAgents(join, "seq"), targetId);
  return rows.map((r) => r.agent_id);
}

/** A column of a multi-row insert and how its value enters the SQL ("?" as is, or an expression of it). */
export type Slot = readonly [column: string, expression: string];

// PostgreSQL takes at most 65,535 parameters per statement.
const MAX_PARAMS = 30_000;

/** Inserts many rows in as few statements as the parameter limit allows, returning `returning` of each
 * row (rows in the order given). */
export async function insertRows<R>(
  q: Q,
  table: string,
  slots: readonly Slot[],
  rows: unknown[][],
  returning?: string,
): Promise<R[]> {
  const out: R[] = [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / slots.length));
  const tuple = `(${slots.map((s) => s[1]).join(", ")})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const sql =
      `INSERT INTO ${table} (${slots.map((s) => quoteColumn(s[0])).join(", ")}) VALUES ` +
      chunk.map(() => tuple).join(", ") +
      (returning ? ` RETURNING ${returning}` : "");
    const params = chunk.flat();
    if (returning) out.push(...(await q.all<R>(sql, ...params)));
    else await q.run(sql, ...params);
  }
  return out;
}
