// Group rows (Letta's multi-agent groups): members and shared blocks as JSON arrays of ids, and the turn
// counter a sleep-time manager bumps once per primary turn.
import { LmosError } from "../../errors.ts";
import { pushProjectFilter } from "../project-filter.ts";
import type { GroupRecord, ManagerType, Page, ProjectFilter } from "../types.ts";
import { decode, selectList } from "./codec.ts";
import { groupCodec } from "./codecs.ts";
import { pagedSql, type Select } from "./paging.ts";
import { insertRecord } from "./records.ts";
import type { Sql } from "./sql.ts";

const groupSelect = selectList(groupCodec, "g");

function assertAgents(sql: Sql, ids: Array<string | null>): void {
  for (const id of ids) {
    if (id !== null && !sql.get("SELECT 1 FROM agents WHERE id = ?", id)) {
      throw new LmosError("not_found", `agent ${id} not found`);
    }
  }
}

export function createGroup(sql: Sql, group: GroupRecord): void {
  sql.tx(() => {
    assertAgents(sql, [...group.agentIds, group.managerAgentId]);
    insertRecord(sql, groupCodec, group);
  });
}

export function listGroups(sql: Sql, q: Page & ProjectFilter & { managerType?: ManagerType }): GroupRecord[] {
  const select: Select = { columns: groupSelect, from: "agent_groups g", where: [], params: [] };
  if (q.managerType !== undefined) {
    select.where.push("g.manager_type = ?");
    select.params.push(q.managerType);
  }
  pushProjectFilter(select, "g.id", q.project);
  const { sql: text, params } = pagedSql(select, { table: "agent_groups", alias: "g", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(groupCodec, r));
}

export function agentGroups(sql: Sql, agentId: string): GroupRecord[] {
  return sql
    .all<Record<string, unknown>>(
      `SELECT ${groupSelect} FROM agent_groups g
       WHERE g.manager_agent_id = ? OR EXISTS (SELECT 1 FROM json_each(g.agent_ids) m WHERE m.value = ?)
       ORDER BY g.created_at, g.id`,
      agentId,
      agentId,
    )
    .map((r) => decode(groupCodec, r));
}

export function bumpGroupTurns(sql: Sql, id: string): number {
  const row = sql.get<{ turns_counter: number }>(
    "UPDATE agent_groups SET turns_counter = turns_counter + 1 WHERE id = ? RETURNING turns_counter",
    id,
  );
  if (!row) throw new LmosError("not_found", `group ${id} not found`);
  return row.turns_counter;
}
