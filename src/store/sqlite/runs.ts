// Runs, steps, the one-transaction step commit, and the opaque memory-node tier.
import { LmosError } from "../../errors.ts";
import type { LeaseUse, MessageRecord, RunRecord, StepCommit, StepRecord } from "../types.ts";
import { applyBlockEdits } from "./blocks.ts";
import { decode, selectList } from "./codec.ts";
import { patchAgent } from "./agents.ts";
import { runCodec, stepCodec } from "./codecs.ts";
import { insertMessages } from "./messages.ts";
import { deletePassages, insertPassages } from "./passages.ts";
import { applyPatch, insertRecord } from "./records.ts";
import { useLease } from "./leases.ts";
import { insertRun } from "./run-records.ts";
import { setFileWindows } from "./sources.ts";
import type { Sql } from "./sql.ts";

/** The steps of a run in order. */
export function listSteps(sql: Sql, runId: string): StepRecord[] {
  return sql
    .all<Record<string, unknown>>(
      `SELECT ${selectList(stepCodec)} FROM steps WHERE run_id = ? ORDER BY step_index, created_at, rowid`,
      runId,
    )
    .map((r) => decode(stepCodec, r));
}

/** Where a commit learns the in-context list stored now (the agent cache, else the table). */
export type PrevContext = (agentId: string) => string[];

// Seqs are written back onto the caller's records once the commit's own transaction (a savepoint, in a
// group commit) has succeeded; a batch that then fails as a whole leaves them set, which is harmless: an
// insert ignores a record's seq.
function assignSeqs(messages: MessageRecord[], seqs: number[]): void {
  messages.forEach((m, i) => {
    m.seq = seqs[i];
  });
}

/** Applies a whole step atomically: step row, messages (+FTS, embeddings), block edits (on the values
 * stored now), passage inserts/deletes, open-file windows and the agent patch, under the step's lease.
 * Any failure rolls everything back and rethrows. */
export function commitStep(sql: Sql, commit: StepCommit, prev: PrevContext): string {
  const { seqs, updatedAt } = sql.tx(() => {
    if (commit.lease) useLease(sql, commit.agentId, commit.lease);
    const updatedAt = patchAgent(sql, commit.agentId, commit.agentPatch, prev);
    insertRecord(sql, stepCodec, commit.step);
    if (commit.runPatch) applyPatch(sql, runCodec, commit.step.runId, commit.runPatch, "run");
    const seqs = insertMessages(sql, commit.messages, commit.messageEmbeddings);
    applyBlockEdits(sql, commit.blockEdits);
    insertPassages(sql, commit.passageInserts);
    deletePassages(sql, commit.passageDeletes);
    if (commit.fileWindows?.length) {
      setFileWindows(sql, commit.agentId, commit.fileWindows, commit.step.createdAt);
    }
    return { seqs, updatedAt };
  });
  assignSeqs(commit.messages, seqs);
  return updatedAt;
}

/** Applies messages and an agent patch outside a step (creating `run` first when given), atomically;
 * returns the agent's updatedAt. */
export function commitMessages(
  sql: Sql,
  agentId: string,
  messages: MessageRecord[],
  agentPatch: StepCommit["agentPatch"],
  prev: PrevContext,
  run?: RunRecord,
  lease?: LeaseUse,
): string {
  const { seqs, updatedAt } = sql.tx(() => {
    if (lease) useLease(sql, agentId, lease);
    if (run) insertRun(sql, run, true);
    const updatedAt = patchAgent(sql, agentId, agentPatch, prev);
    return { seqs: insertMessages(sql, messages), updatedAt };
  });
  assignSeqs(messages, seqs);
  return updatedAt;
}

/** Upserts memory nodes of one tier (existing ids keep their position). */
export function putMemoryNodes(
  sql: Sql,
  agentId: string,
  tier: string,
  nodes: Array<{ id: string; data: Uint8Array }>,
): void {
  sql.tx(() => {
    if (!sql.get("SELECT 1 FROM agents WHERE id = ?", agentId)) {
      throw new LmosError("not_found", `agent ${agentId} not found`);
    }
    for (const n of nodes) {
      sql.run(
        `INSERT INTO memory_nodes (agent_id, tier, id, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent_id, tier, id) DO UPDATE SET data = excluded.data`,
        agentId,
        tier,
        n.id,
        Buffer.from(n.data.buffer, n.data.byteOffset, n.data.byteLength),
      );
    }
  });
}

/** A tier's memory nodes in insertion order. */
export function getMemoryNodes(
  sql: Sql,
  agentId: string,
  tier: string,
): Array<{ id: string; data: Uint8Array }> {
  return sql
    .all<{ id: string; data: Buffer }>(
      "SELECT id, data FROM memory_nodes WHERE agent_id = ? AND tier = ? ORDER BY rowid",
      agentId,
      tier,
    )
    .map((r) => ({ id: r.id, data: new Uint8Array(r.data) }));
}
