// Job rows of the one job queue: enqueue (a key is unique among unfinished jobs), claim under a lease,
// extend, finish. Each claim is one IMMEDIATE transaction, so two processes on the file never take the
// same job: the second sees it running with a live lease.
import type { JobClaim, JobEnd, JobRecord, Page } from "../types.ts";
import { decode, encode, insertSql, selectList } from "./codec.ts";
import { jobCodec } from "./codecs.ts";
import { pagedSql, type Select } from "./paging.ts";
import type { Sql } from "./sql.ts";

const insertJobSql = `${insertSql(jobCodec, "INSERT")} ON CONFLICT DO NOTHING`;
const jobSelect = selectList(jobCodec, "j");

/** Inserts a job unless an unfinished job has its key; true when inserted. */
export function insertJob(sql: Sql, job: JobRecord): boolean {
  return sql.run(insertJobSql, encode(jobCodec, job)).changes === 1;
}

/** Jobs in created order, by queue and status. */
export function listJobs(
  sql: Sql,
  q: Page & { queues?: string[]; statuses?: JobRecord["status"][] },
): JobRecord[] {
  const select: Select = { columns: jobSelect, from: "jobs j", where: [], params: [] };
  for (const [column, values] of [
    ["j.queue", q.queues],
    ["j.status", q.statuses],
  ] as const) {
    if (!values) continue;
    select.where.push(`${column} IN (SELECT value FROM json_each(?))`);
    select.params.push(JSON.stringify(values));
  }
  const { sql: text, params } = pagedSql(select, { table: "jobs", alias: "j", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(jobCodec, r));
}

/** Claims due jobs for one worker; a job whose lease ended with no attempts left is failed instead. */
export function claimJobs(sql: Sql, claim: JobClaim): JobRecord[] {
  const queues = JSON.stringify(claim.queues);
  return sql.tx(() => {
    sql.run(
      `UPDATE jobs SET status = 'failed', error = coalesce(error, 'its worker stopped before it finished'),
         locked_by = NULL, locked_until = NULL, updated_at = @now
       WHERE status = 'running' AND locked_until < @now AND attempts >= max_attempts
         AND queue IN (SELECT value FROM json_each(@queues))`,
      { now: claim.now, queues },
    );
    const due = sql.all<{ id: string }>(
      `SELECT id FROM jobs
       WHERE queue IN (SELECT value FROM json_each(@queues))
         AND ((status = 'queued' AND run_at <= @now) OR (status = 'running' AND locked_until < @now))
       ORDER BY run_at, created_at, id LIMIT @limit`,
      { now: claim.now, queues, limit: claim.limit },
    );
    return due.map(({ id }) => {
      sql.run(
        `UPDATE jobs SET status = 'running', locked_by = @worker, locked_until = @until,
           attempts = attempts + 1, updated_at = @now WHERE id = @id`,
        { id, worker: claim.worker, until: claim.lockedUntil, now: claim.now },
      );
      return decode(
        jobCodec,
        sql.get<Record<string, unknown>>(`SELECT ${jobSelect} FROM jobs j WHERE j.id = ?`, id)!,
      );
    });
  });
}

/** Moves the lease of a job the worker holds. */
export function extendJob(sql: Sql, id: string, worker: string, lockedUntil: string): boolean {
  return (
    sql.run(
      "UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND status = 'running'",
      lockedUntil,
      id,
      worker,
    ).changes === 1
  );
}

/** Ends a job the worker holds; a completed job is deleted (its run, if any, is the record). */
export function finishJob(sql: Sql, id: string, worker: string, end: JobEnd, now: string): boolean {
  const held = "id = @id AND locked_by = @worker AND status = 'running'";
  if (end.status === "completed")
    return sql.run(`DELETE FROM jobs WHERE ${held}`, { id, worker }).changes === 1;
  return (
    sql.run(
      `UPDATE jobs SET status = @status, run_at = coalesce(@runAt, run_at), error = @error,
         locked_by = NULL, locked_until = NULL, updated_at = @now WHERE ${held}`,
      {
        id,
        worker,
        now,
        status: end.status,
        runAt: end.status === "queued" ? end.runAt : null,
        error: end.error ?? null,
      },
    ).changes === 1
  );
}
