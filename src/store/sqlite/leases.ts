// Agent leases: one row per agent naming who may run it, until when, and the fence of that acquisition.
// The row outlives its holder (released = expires_at 0) so the fence only grows. Expiry is this machine's
// clock (a SQLite file is shared by the processes of one host only).
import { LmosError } from "../../errors.ts";
import type { AgentLease, LeaseHolder, LeaseUse, RunOwner } from "../types.ts";
import type { Sql } from "./sql.ts";

interface LeaseRow {
  fence: number;
  holder: string;
  owner_host: string;
  owner_pid: number;
  owner_token: string;
  expires_at: number;
}

const selectLease =
  "SELECT fence, holder, owner_host, owner_pid, owner_token, expires_at FROM agent_leases WHERE agent_id = ?";

function holderOf(row: LeaseRow): LeaseHolder {
  return {
    owner: { host: row.owner_host, pid: row.owner_pid, token: row.owner_token },
    holder: row.holder,
    fence: row.fence,
    expiresAt: row.expires_at,
  };
}

/** Takes the lease when it is free, lapsed or its holder is gone; else says who holds it. */
export function acquireLease(
  sql: Sql,
  agentId: string,
  holder: string,
  owner: RunOwner,
  ttlMs: number,
  canTakeOver: (current: LeaseHolder) => boolean,
): { lease: AgentLease } | { heldBy: LeaseHolder } {
  return sql.tx(() => {
    const row = sql.get<LeaseRow>(selectLease, agentId);
    const now = Date.now();
    if (row && row.expires_at > now && !canTakeOver(holderOf(row))) return { heldBy: holderOf(row) };
    if (!row && !sql.get("SELECT 1 FROM agents WHERE id = ?", agentId)) {
      throw new LmosError("not_found", `agent ${agentId} not found`);
    }
    const lease: AgentLease = { agentId, fence: (row?.fence ?? 0) + 1, expiresAt: now + ttlMs };
    sql.run(
      `INSERT INTO agent_leases (agent_id, fence, holder, owner_host, owner_pid, owner_token, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (agent_id) DO UPDATE SET fence = excluded.fence, holder = excluded.holder,
         owner_host = excluded.owner_host, owner_pid = excluded.owner_pid,
         owner_token = excluded.owner_token, expires_at = excluded.expires_at`,
      agentId,
      lease.fence,
      holder,
      owner.host,
      owner.pid,
      owner.token,
      lease.expiresAt,
    );
    return { lease };
  });
}

/** Extends a lease still at its fence; null when it was taken over. */
export function renewLease(sql: Sql, lease: AgentLease, ttlMs: number): AgentLease | null {
  const expiresAt = Date.now() + ttlMs;
  const changed = sql.run(
    "UPDATE agent_leases SET expires_at = ? WHERE agent_id = ? AND fence = ?",
    expiresAt,
    lease.agentId,
    lease.fence,
  ).changes;
  return changed ? { ...lease, expiresAt } : null;
}

/** Ends a lease still at its fence (nothing when it was taken over). */
export function releaseLease(sql: Sql, agentId: string, fence: number): void {
  sql.run("UPDATE agent_leases SET expires_at = 0 WHERE agent_id = ? AND fence = ?", agentId, fence);
}

/** Inside a commit: refuses it unless the agent's lease still has the fence it ran under (then releases
 * the lease when asked). Why refuse: a holder whose lease lapsed (a stalled process) was taken over, and
 * its step, computed from a state the new holder has moved past, must not land on top. */
export function useLease(sql: Sql, agentId: string, use: LeaseUse): void {
  const fence = sql.stmt("SELECT fence FROM agent_leases WHERE agent_id = ?").pluck().get(agentId);
  if (fence !== use.fence) {
    throw new LmosError(
      "conflict",
      `the lease on agent ${agentId} was lost (it lapsed and another process took the agent over): ` +
        "this step was not stored; send again",
    );
  }
  if (use.release) releaseLease(sql, agentId, use.fence);
}
