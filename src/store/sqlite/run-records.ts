// Run rows: inserting with this process as owner, listing with filters, a run's messages, and failing the
// runs that a process which no longer exists left created or running.
import { randomBytes } from "node:crypto";
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { pushProjectFilter } from "../project-filter.ts";
import type { MessageRecord, Page, RunOwner, RunQuery, RunRecord } from "../types.ts";
import { decode, encode, selectList } from "./codec.ts";
import { messageCodec, runCodec } from "./codecs.ts";
import { pagedSql, type Select } from "./paging.ts";
import type { Sql } from "./sql.ts";

// Pids are only comparable inside one pid namespace: containers that share a hostname (host networking)
// each count their own pids. The namespace joins the hostname, so their runs look like another host's
// (left alone) instead of dead or taken-over ones. Elsewhere than Linux the hostname alone.
function pidNamespace(): string {
  try {
    return readlinkSync("/proc/self/ns/pid"); // "pid:[4026531836]"
  } catch {
    return "";
  }
}

/** This process, as the owner of the runs it creates. */
export const PROCESS_OWNER: RunOwner = Object.freeze({
  host: [hostname(), pidNamespace()].filter(Boolean).join(" "),
  pid: process.pid,
  token: randomBytes(8).toString("hex"),
});

const runColumns = runCodec.columns.map((c) => c[1]);
const insertRunSql = `INSERT INTO runs (${runColumns.join(", ")}, chain_id, owner_host, owner_pid, owner_token)
  VALUES (${runColumns.map((c) => `@${c}`).join(", ")}, @chain_id, @owner_host, @owner_pid, @owner_token)`;
// A run created ahead of its start (status "created") is taken over by the start: new status and owner,
// same createdAt. Without a conflict this is a plain insert.
const startRunSql = `${insertRunSql}
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, stop_reason = excluded.stop_reason,
    completed_at = excluded.completed_at, owner_host = excluded.owner_host, owner_pid = excluded.owner_pid,
    owner_token = excluded.owner_token
  WHERE runs.status = 'created'`;

/** Inserts a run owned by this process; with `takeOver`, a created run of the same id becomes this one. */
export function insertRun(sql: Sql, run: RunRecord, takeOver = false): void {
  sql.run(takeOver ? startRunSql : insertRunSql, {
    ...encode(runCodec, { ...run, chain: run.chain ?? null }),
    chain_id: run.chain?.id ?? null,
    owner_host: PROCESS_OWNER.host,
    owner_pid: PROCESS_OWNER.pid,
    owner_token: PROCESS_OWNER.token,
  });
}

const runSelect = selectList(runCodec, "r");

/** Runs in created order with the query's filters and cursor. */
export function listRuns(sql: Sql, q: RunQuery): RunRecord[] {
  const select: Select = { columns: runSelect, from: "runs r", where: [], params: [] };
  const inList = (column: string, values: string[]) => {
    select.where.push(`${column} IN (SELECT value FROM json_each(?))`);
    select.params.push(JSON.stringify(values));
  };
  if (q.agentIds) inList("r.agent_id", q.agentIds);
  if (q.statuses) inList("r.status", q.statuses);
  if (q.stopReason !== undefined) {
    select.where.push("r.stop_reason = ?");
    select.params.push(q.stopReason);
  }
  if (q.chainId !== undefined) {
    select.where.push("r.chain_id = ?");
    select.params.push(q.chainId);
  }
  pushProjectFilter(select, "r.agent_id", q.project);
  const { sql: text, params } = pagedSql(select, { table: "runs", alias: "r", tiebreak: "rowid" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(runCodec, r));
}

const messageSelect = selectList(messageCodec, "m");

/** The messages of a run in stored order (the page's order), or [] for an unknown run. */
export function listRunMessages(sql: Sql, runId: string, q: Page): MessageRecord[] {
  const run = sql.get<{ agent_id: string; created_at: string }>(
    "SELECT agent_id, created_at FROM runs WHERE id = ?",
    runId,
  );
  if (!run) return [];
  // Bounded by the agent and the run's start, so the agent's (agent_id, created_at) index serves it.
  const select: Select = {
    columns: messageSelect,
    from: "messages m",
    where: ["m.agent_id = ?", "m.created_at >= ?", "m.run_id = ?"],
    params: [run.agent_id, run.created_at, runId],
  };
  const { sql: text, params } = pagedSql(select, { table: "messages", alias: "m", tiebreak: "seq" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(messageCodec, r));
}

interface ActiveRow {
  id: string;
  owner_host: string | null;
  owner_pid: number | null;
  owner_token: string | null;
}

/** Fails the created or running runs whose owner is not live; returns them as they are now. */
export function failOrphanRuns(
  sql: Sql,
  isLive: (owner: RunOwner | null) => boolean,
  completedAt: string,
): RunRecord[] {
  const active = sql.all<ActiveRow>(
    "SELECT id, owner_host, owner_pid, owner_token FROM runs WHERE status IN ('created', 'running')",
  );
  const orphans = active.filter((r) => {
    const owner =
      r.owner_host === null || r.owner_pid === null || r.owner_token === null
        ? null
        : { host: r.owner_host, pid: r.owner_pid, token: r.owner_token };
    return !isLive(owner);
  });
  if (orphans.length === 0) return [];
  const end = encode(runCodec, { status: "failed", stopReason: "error", completedAt });
  return sql.tx(() =>
    orphans.flatMap((o) => {
      // Re-checked in the write transaction: the run may have ended meanwhile.
      const changed = sql.run(
        `UPDATE runs SET status = @status, stop_reason = @stop_reason, completed_at = @completed_at
         WHERE id = @id AND status IN ('created', 'running')`,
        { ...end, id: o.id },
      ).changes;
      if (changed === 0) return [];
      const row = sql.get<Record<string, unknown>>(`SELECT ${runSelect} FROM runs r WHERE r.id = ?`, o.id);
      if (!row) return [];
      const failed = decode(runCodec, row);
      // The agent's last stop reason says so too, unless a run of it ended after this one began.
      sql.run(
        `UPDATE agents SET last_stop_reason = 'error', last_run_at = ?
         WHERE id = ? AND (last_run_at IS NULL OR last_run_at <= ?)`,
        completedAt,
        failed.agentId,
        failed.createdAt,
      );
      return [failed];
    }),
  );
}
