// Schedule rows and the claim of a firing: a compare-and-set of next_run_at plus the firing's job, in
// one IMMEDIATE transaction (schedules.ts of the contract says why that fires once across processes).
import { LmosError } from "../../errors.ts";
import type { JobRecord, Page, ScheduleRecord } from "../types.ts";
import { decode, selectList } from "./codec.ts";
import { scheduleCodec } from "./codecs.ts";
import { insertJob } from "./jobs.ts";
import { pagedSql, type Select } from "./paging.ts";
import { insertRecord } from "./records.ts";
import { canonicalIso, type Sql } from "./sql.ts";

const scheduleSelect = selectList(scheduleCodec, "s");

export function createSchedule(sql: Sql, schedule: ScheduleRecord): void {
  sql.tx(() => {
    if (!sql.get("SELECT 1 FROM agents WHERE id = ?", schedule.agentId)) {
      throw new LmosError("not_found", `agent ${schedule.agentId} not found`);
    }
    insertRecord(sql, scheduleCodec, schedule);
  });
}

export function listSchedules(sql: Sql, q: Page & { agentId?: string }): ScheduleRecord[] {
  const select: Select = { columns: scheduleSelect, from: "schedules s", where: [], params: [] };
  if (q.agentId !== undefined) {
    select.where.push("s.agent_id = ?");
    select.params.push(q.agentId);
  }
  const { sql: text, params } = pagedSql(select, { table: "schedules", alias: "s", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(scheduleCodec, r));
}

export function dueSchedules(sql: Sql, now: string, limit: number): ScheduleRecord[] {
  return sql
    .all<Record<string, unknown>>(
      `SELECT ${scheduleSelect} FROM schedules s WHERE s.next_run_at IS NOT NULL AND s.next_run_at <= ?
       ORDER BY s.next_run_at, s.id LIMIT ?`,
      canonicalIso(now),
      limit,
    )
    .map((r) => decode(scheduleCodec, r));
}

export function fireSchedule(
  sql: Sql,
  id: string,
  dueAt: string,
  next: string | null,
  job: JobRecord,
): boolean {
  return sql.tx(() => {
    const claimed = sql.run(
      "UPDATE schedules SET next_run_at = ?, last_fired_at = ? WHERE id = ? AND next_run_at = ?",
      next === null ? null : canonicalIso(next),
      canonicalIso(dueAt),
      id,
      canonicalIso(dueAt),
    ).changes;
    if (claimed === 0) return false;
    insertJob(sql, job);
    return true;
  });
}
