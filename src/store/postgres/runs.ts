// Runs, steps, the one-transaction step commit, runs left by dead processes, and the memory-node tier.
import { LmosError } from "../../errors.ts";
import { pushProjectFilter } from "../project-filter.ts";
import type {
  MessageRecord,
  Page,
  RunOwner,
  RunQuery,
  RunRecord,
  StepCommit,
  StepRecord,
  LeaseUse,
} from "../types.ts";
import { encode } from "../sqlite/codec.ts";
import { messageCodec, runCodec, stepCodec } from "../sqlite/codecs.ts";
import { PROCESS_OWNER } from "../sqlite/run-records.ts";
import { applyBlockEdits, patchAgent } from "./agents.ts";
import type { Q } from "./db.ts";
import { useLease } from "./leases.ts";
import { insertMessages } from "./messages.ts";
import { deletePassages, insertPassages } from "./passages.ts";
import { applyPatch, decode, insertRecord, pagedSql, type Select, selectList } from "./records.ts";
import { setFileWindows } from "./sources.ts";

const runColumns = runCodec.columns.map((c) => c[1]);
const ownerColumns = ["chain_id", "owner_host", "owner_pid", "owner_token"];
const insertRunSql = `INSERT INTO runs (${[...runColumns, ...ownerColumns].join(", ")})
  VALUES (${[...runColumns, ...ownerColumns].map(() => "?").join(", ")})`;
// A run created ahead of its start (status "created") is taken over by the start: new status and owner,
// same createdAt. Without a conflict this is a plain insert.
const startRunSql = `${insertRunSql}
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, stop_reason = excluded.stop_reason,
    completed_at = excluded.completed_at, owner_host = excluded.owner_host, owner_pid = excluded.owner_pid,
    owner_token = excluded.owner_token
  WHERE runs.status = 'created'`;

/** Inserts a run owned by this process; with `takeOver`, a created run of the same id becomes this one. */
export async function insertRun(q: Q, run: RunRecord, takeOver = false): Promise<void> {
  const values = encode(runCodec, { ...run, chain: run.chain ?? null });
  await q.run(
    takeOver ? startRunSql : insertRunSql,
    ...runColumns.map((c) => values[c] ?? null),
    run.chain?.id ?? null,
    PROCESS_OWNER.host,
    PROCESS_OWNER.pid,
    PROCESS_OWNER.token,
  );
}

export async function listSteps(q: Q, runId: string): Promise<StepRecord[]> {
  const rows = await q.all<Record<string, unknown>>(
    `SELECT ${selectList(stepCodec)} FROM steps WHERE run_id = ? ORDER BY step_index, created_at, seq`,
    runId,
  );
  return rows.map((r) => decode(stepCodec, r));
}

const runSelect = selectList(runCodec, "r");

export async function listRuns(q: Q, query: RunQuery): Promise<RunRecord[]> {
  const select: Select = { columns: runSelect, from: "runs r", where: [], params: [] };
  const inList = (column: string, values: string[]) => {
    select.where.push(`${column} = ANY(?::text[])`);
    select.params.push(values);
  };
  if (query.agentIds) inList("r.agent_id", query.agentIds);
  if (query.statuses) inList("r.status", query.statuses);
  if (query.stopReason !== undefined) {
    select.where.push("r.stop_reason = ?");
    select.params.push(query.stopReason);
  }
  if (query.chainId !== undefined) {
    select.where.push("r.chain_id = ?");
    select.params.push(query.chainId);
  }
  pushProjectFilter(select, "r.agent_id", query.project);
  const { sql, params } = pagedSql(select, { table: "runs", alias: "r", tiebreak: "seq" }, query);
  return (await q.all<Record<string, unknown>>(sql, ...params)).map((r) => decode(runCodec, r));
}

export async function listRunMessages(q: Q, runId: string, page: Page): Promise<MessageRecord[]> {
  const run = await q.get<{ agent_id: string; created_at: string }>(
    "SELECT agent_id, created_at FROM runs WHERE id = ?",
    runId,
  );
  if (!run) return [];
  const select: Select = {
    columns: selectList(messageCodec, "m"),
    from: "messages m",
    where: ["m.agent_id = ?", "m.created_at >= ?", "m.run_id = ?"],
    params: [run.agent_id, run.created_at, runId],
  };
  const { sql, params } = pagedSql(select, { table: "messages", alias: "m", tiebreak: "seq" }, page);
  return (await q.all<Record<string, unknown>>(sql, ...params)).map((r) => decode(messageCodec, r));
}

interface ActiveRow {
  id: string;
  owner_host: string | null;
  owner_pid: number | null;
  owner_token: string | null;
}

/** Fails the created or running runs whose owner is not live (in the caller's transaction). */
export async function failOrphanRuns(
  q: Q,
  isLive: (owner: RunOwner | null) => boolean,
  completedAt: string,
  staleAfterMs: number,
): Promise<RunRecord[]> {
  // A run whose owner stopped beating (processes, heartbeat.ts) is orphaned wherever that owner ran;
  // otherwise isLive judges (it knows this machine's processes only).
  const active = await q.all<ActiveRow & { stale: boolean }>(
    `SELECT r.id, r.owner_host, r.owner_pid, r.owner_token,
       coalesce(p.seen_at < (extract(epoch from clock_timestamp()) * 1000)::bigint - ?, false) AS stale
     FROM runs r LEFT JOIN processes p ON p.token = r.owner_token
     WHERE r.status IN ('created', 'running')`,
    staleAfterMs,
  );
  const failed: RunRecord[] = [];
  for (const r of active) {
    const owner =
      r.owner_host === null || r.owner_pid === null || r.owner_token === null
        ? null
        : { host: r.owner_host, pid: r.owner_pid, token: r.owner_token };
    if (!r.stale && isLive(owner)) continue;
    const row = await q.get<Record<string, unknown>>(
      `UPDATE runs r SET status = 'failed', stop_reason = 'error', completed_at = ?
       WHERE id = ? AND status IN ('created', 'running') RETURNING ${runSelect}`,
      completedAt,
      r.id,
    );
    if (!row) continue; // it ended meanwhile
    const run = decode(runCodec, row);
    await q.run(
      `UPDATE agents SET last_stop_reason = 'error', last_run_at = ?
       WHERE id = ? AND (last_run_at IS NULL OR last_run_at <= ?)`,
      completedAt,
      run.agentId,
      run.createdAt,
    );
    failed.push(run);
  }
  return failed;
}

/** Applies a whole step in the caller's transaction: lease check, agent patch (its row lock orders the
 * agent's writers), step row, run end, messages, block edits, passages, open-file windows. Seqs are set on
 * the caller's messages only after `commit()` resolves (by the store). */
export async function commitStep(q: Q, commit: StepCommit, pgvector: boolean): Promise<number[]> {
  if (commit.lease) await useLease(q, commit.agentId, commit.lease);
  await patchAgent(q, commit.agentId, commit.agentPatch);
  await insertRecord(q, stepCodec, commit.step);
  if (commit.runPatch) await applyPatch(q, runCodec, commit.step.runId, commit.runPatch, "run");
  const seqs = await insertMessages(q, commit.messages, commit.messageEmbeddings, pgvector);
  await applyBlockEdits(q, commit.blockEdits);
  await insertPassages(q, commit.passageInserts, pgvector);
  await deletePassages(q, commit.passageDeletes);
  if (commit.fileWindows?.length) {
    await setFileWindows(q, commit.agentId, commit.fileWindows, commit.step.createdAt);
  }
  return seqs;
}

/** Messages and an agent patch outside a step (creating `run` first when given). */
export async function commitMessages(
  q: Q,
  agentId: string,
  messages: MessageRecord[],
  agentPatch: StepCommit["agentPatch"],
  run: RunRecord | undefined,
  lease: LeaseUse | undefined,
): Promise<number[]> {
  if (lease) await useLease(q, agentId, lease);
  if (run) await insertRun(q, run, true);
  await patchAgent(q, agentId, agentPatch);
  return insertMessages(q, messages, undefined, false);
}

export async function putMemoryNodes(
  q: Q,
  agentId: string,
  tier: string,
  nodes: Array<{ id: string; data: Uint8Array }>,
): Promise<void> {
  if (!(await q.get("SELECT 1 FROM agents WHERE id = ?", agentId))) {
    throw new LmosError("not_found", `agent ${agentId} not found`);
  }
  for (const n of nodes) {
    await q.run(
      `INSERT INTO memory_nodes (agent_id, tier, id, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (agent_id, tier, id) DO UPDATE SET data = excluded.data`,
      agentId,
      tier,
      n.id,
      Buffer.from(n.data.buffer, n.data.byteOffset, n.data.byteLength),
    );
  }
}

export async function getMemoryNodes(
  q: Q,
  agentId: string,
  tier: string,
): Promise<Array<{ id: string; data: Uint8Array }>> {
  const rows = await q.all<{ id: string; data: Buffer }>(
    "SELECT id, data FROM memory_nodes WHERE agent_id = ? AND tier = ? ORDER BY seq",
    agentId,
    tier,
  );
  return rows.map((r) => ({ id: r.id, data: new Uint8Array(r.data) }));
}
