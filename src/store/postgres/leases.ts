// Agent leases on PostgreSQL: one row per agent naming who may run it, until when, and the fence of that
// acquisition (the row outlives its holder, released = expires_at 0, so the fence only grows). Expiry is
// the database's clock, shared by every replica, not any one machine's. An acquisition locks the agent
// row first, so two replicas acquiring at once are served one after the other.
import { LmosError } from "../../errors.ts";
import type { AgentLease, LeaseHolder, LeaseUse, RunOwner } from "../types.ts";
import type { Q } from "./db.ts";

interface LeaseRow {
  fence: number;
  holder: string;
  owner_host: string;
  owner_pid: number;
  owner_token: string;
  expires_at: number;
  now: number;
}

const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

function holderOf(row: LeaseRow): LeaseHolder {
  return {
    owner: { host: row.owner_host, pid: row.owner_pid, token: row.owner_token },
    holder: row.holder,
    fence: row.fence,
    expiresAt: row.expires_at,
  };
}

export async function acquireLease(
  q: Q,
  agentId: string,
  holder: string,
  owner: RunOwner,
  ttlMs: number,
  canTakeOver: (current: LeaseHolder) => boolean,
): Promise<{ lease: AgentLease } | { heldBy: LeaseHolder }> {
  if (!(await q.get("SELECT 1 FROM agents WHERE id = ? FOR NO KEY UPDATE", agentId))) {
    throw new LmosError("not_found", `agent ${agentId} not found`);
  }
  const row = await q.get<LeaseRow>(
    `SELECT fence, holder, owner_host, owner_pid, owner_token, expires_at, ${NOW_MS} AS now
     FROM agent_leases WHERE agent_id = ?`,
    agentId,
  );
  if (row && row.expires_at > row.now && !canTakeOver(holderOf(row))) return { heldBy: holderOf(row) };
  const fence = (row?.fence ?? 0) + 1;
  const stored = await q.get<{ expires_at: number }>(
    `INSERT INTO agent_leases (agent_id, fence, holder, owner_host, owner_pid, owner_token, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ${NOW_MS} + ?)
     ON CONFLICT (agent_id) DO UPDATE SET fence = excluded.fence, holder = excluded.holder,
       owner_host = excluded.owner_host, owner_pid = excluded.owner_pid,
       owner_token = excluded.owner_token, expires_at = excluded.expires_at
     RETURNING expires_at`,
    agentId,
    fence,
    holder,
    owner.host,
    owner.pid,
    owner.token,
    ttlMs,
  );
  return { lease: { agentId, fence, expiresAt: stored!.expires_at } };
}

export async function renewLease(q: Q, lease: AgentLease, ttlMs: number): Promise<AgentLease | null> {
  const row = await q.get<{ expires_at: number }>(
    `UPDATE agent_leases SET expires_at = ${NOW_MS} + ? WHERE agent_id = ? AND fence = ? RETURNING expires_at`,
    ttlMs,
    lease.agentId,
    lease.fence,
  );
  return row ? { ...lease, expiresAt: row.expires_at } : null;
}

export async function releaseLease(q: Q, agentId: string, fence: number): Promise<void> {
  await q.run("UPDATE agent_leases SET expires_at = 0 WHERE agent_id = ? AND fence = ?", agentId, fence);
}

/** Inside a commit: refuses it unless the agent's lease still has the fence it ran under (locking the
 * lease row until the commit ends, so no acquisition slips in between), then releases it when asked. */
export async function useLease(q: Q, agentId: string, use: LeaseUse): Promise<void> {
  const row = await q.get<{ fence: number }>(
    "SELECT fence FROM agent_leases WHERE agent_id = ? FOR UPDATE",
    agentId,
  );
  if (row?.fence !== use.fence) {
    throw new LmosError(
      "conflict",
      `the lease on agent ${agentId} was lost (it lapsed and another process took the agent over): ` +
        "this step was not stored; send again",
    );
  }
  if (use.release) await releaseLease(q, agentId, use.fence);
}
