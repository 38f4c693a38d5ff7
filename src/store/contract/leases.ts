// The Store contract, agent leases: one runner at a time per agent across every process sharing the
// database (the kernel's runner takes one per run; a commit carries its fence). Records in ../leases.ts.
// Conformance: conformance/leases.testkit.ts.
import type { AgentLease, LeaseHolder } from "../leases.ts";

export interface AgentLeaseStore {
  /** Takes the agent's lease for `holder` until now + ttlMs when it is free: never taken, released, lapsed,
   * or held by a holder `canTakeOver` judges gone (its process died). Otherwise answers who holds it.
   * Every acquisition gets a larger fence than the last. not_found when the agent does not exist. */
  acquireAgentLease(
    agentId: string,
    holder: string,
    ttlMs: number,
    canTakeOver: (current: LeaseHolder) => boolean,
  ): Promise<{ lease: AgentLease } | { heldBy: LeaseHolder }>;
  /** Extends a lease to now + ttlMs; null when it was lost (another acquisition since: its fence moved on). */
  renewAgentLease(lease: AgentLease, ttlMs: number): Promise<AgentLease | null>;
  /** Ends a lease (a no-op when it was lost). */
  releaseAgentLease(lease: AgentLease): Promise<void>;
}
