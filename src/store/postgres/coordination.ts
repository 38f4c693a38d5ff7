// The job queue's rows, agents' schedules and multi-agent groups on PostgreSQL. A claim takes due rows
// with SELECT … FOR UPDATE SKIP LOCKED, so replicas claiming at once each get different jobs without
// waiting on each other; a firing is a compare-and-set on the schedule row.
import { LmosError } from "../../errors.ts";
import type { GroupRecord, JobClaim, JobEnd, JobRecord, ScheduleRecord } from "../types.ts";
import { groupCodec, jobCodec, scheduleCodec } from "../sqlite/codecs.ts";
import { canonicalIso } from "../sql/time.ts";
import type { Q } from "./db.ts";
import { decode, insertRecord, insertStatement, selectList } from "./records.ts";

const jobSelect = selectList(jobCodec, "j");

/** Inserts a job unless an unfinished job has its key; true when inserted. */
export async function insertJob(q: Q, job: JobRecord): Promise<boolean> {
  const { sql, params } = insertStatement(jobCodec, job);
  return (await q.run(`${sql} ON CONFLICT DO NOTHING`, ...params)) === 1;
}

/** Claims due jobs for one worker; a job whose lease ended with no attempts left is failed instead. */
export async function claimJobs(q: Q, claim: JobClaim): Promise<JobRecord[]> {
  const now = canonicalIso(claim.now);
  await q.run(
    `UPDATE jobs SET status = 'failed', error = coalesce(error, 'its worker stopped before it finished'),
       locked_by = NULL, locked_until = NULL, updated_at = ?
     WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND locked_until < ? AND attempts >= max_attempts
       AND queue = ANY(?::text[]) FOR UPDATE SKIP LOCKED)`,
    now,
    now,
    claim.queues,
  );
  const rows = await q.all<Record<string, unknown>>(
    `UPDATE jobs j SET status = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1, updated_at = ?
     WHERE j.id IN (
       SELECT id FROM jobs WHERE queue = ANY(?::text[])
         AND ((status = 'queued' AND run_at <= ?) OR (status = 'running' AND locked_until < ?))
       ORDER BY run_at, created_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING ${jobSelect}`,
    claim.worker,
    canonicalIso(claim.lockedUntil),
    now,
    claim.queues,
    now,
    now,
    claim.limit,
  );
  return rows
    .map((r) => decode(jobCodec, r))
    .sort(
      (a, b) =>
        a.runAt.localeCompare(b.runAt) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
}

export async function extendJob(q: Q, id: string, worker: string, lockedUntil: string): Promise<boolean> {
  const n = await q.run(
    "UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND status = 'running'",
    canonicalIso(lockedUntil),
    id,
    worker,
  );
  return n === 1;
}

/** Ends a job the worker holds; a completed job is deleted. */
export async function finishJob(
  q: Q,
  id: string,
  worker: string,
  end: JobEnd,
  now: string,
): Promise<boolean> {
  const held = "id = ? AND locked_by = ? AND status = 'running'";
  if (end.status === "completed") return (await q.run(`DELETE FROM jobs WHERE ${held}`, id, worker)) === 1;
  const n = await q.run(
    `UPDATE jobs SET status = ?, run_at = coalesce(?, run_at), error = ?, locked_by = NULL, locked_until = NULL,
       updated_at = ? WHERE ${held}`,
    end.status,
    end.status === "queued" ? canonicalIso(end.runAt) : null,
    end.error ?? null,
    now,
    id,
    worker,
  );
  return n === 1;
}

export async function createSchedule(q: Q, schedule: ScheduleRecord): Promise<void> {
  if (!(await q.get("SELECT 1 FROM agents WHERE id = ?", schedule.agentId))) {
    throw new LmosError("not_found", `agent ${schedule.agentId} not found`);
  }
  await insertRecord(q, scheduleCodec, schedule);
}

export async function dueSchedules(q: Q, now: string, limit: number): Promise<ScheduleRecord[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT ${selectList(scheduleCodec, "s")} FROM schedules s WHERE s.next_run_at IS NOT NULL AND s.next_run_at <= ?
     ORDER BY s.next_run_at, s.id LIMIT ?`,
    canonicalIso(now),
    limit,
  );
  return rows.map((r) => decode(scheduleCodec, r));
}

/** The compare-and-set of a firing plus its job (in the caller's transaction). */
export async function fireSchedule(
  q: Q,
  id: string,
  dueAt: string,
  next: string | null,
  job: JobRecord,
): Promise<boolean> {
  const claimed = await q.run(
    "UPDATE schedules SET next_run_at = ?, last_fired_at = ? WHERE id = ? AND next_run_at = ?",
    next === null ? null : canonicalIso(next),
    canonicalIso(dueAt),
    id,
    canonicalIso(dueAt),
  );
  if (claimed === 0) return false;
  await insertJob(q, job);
  return true;
}

export async function createGroup(q: Q, group: GroupRecord): Promise<void> {
  for (const id of [...group.agentIds, group.managerAgentId]) {
    if (id !== null && !(await q.get("SELECT 1 FROM agents WHERE id = ?", id))) {
      throw new LmosError("not_found", `agent ${id} not found`);
    }
  }
  await insertRecord(q, groupCodec, group);
}

export async function agentGroups(q: Q, agentId: string): Promise<GroupRecord[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT ${selectList(groupCodec, "g")} FROM agent_groups g
     WHERE g.manager_agent_id = ? OR EXISTS (SELECT 1 FROM json_array_elements_text(g.agent_ids::json) m WHERE m = ?)
     ORDER BY g.created_at, g.id`,
    agentId,
    agentId,
  );
  return rows.map((r) => decode(groupCodec, r));
}

export async function bumpGroupTurns(q: Q, id: string): Promise<number> {
  const row = await q.get<{ turns_counter: number }>(
    "UPDATE agent_groups SET turns_counter = turns_counter + 1 WHERE id = ? RETURNING turns_counter",
    id,
  );
  if (!row) throw new LmosError("not_found", `group ${id} not found`);
  return row.turns_counter;
}
