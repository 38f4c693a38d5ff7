// The agent-lease records of the Store contract (acquireAgentLease and the fence a commit carries).
import type { RunOwner } from "./records.ts";

/** How a commit uses the agent's lease: it is refused with LmosError("conflict") unless the agent's lease
 * still has `fence` (nobody acquired it since); `release` ends the lease in the same transaction. */
export interface LeaseUse {
  fence: number;
  release?: boolean;
}

/** One process's exclusive right to run one agent (its steps and resets) among every process sharing the
 * database: runs of an agent are serialised through the database, not only inside a process. */
export interface AgentLease {
  agentId: string;
  /** Fencing token: grows at every acquisition of this agent's lease, so a holder whose lease lapsed and was
   * taken over is told apart from the new holder (its commits are refused). */
  fence: number;
  /** When the lease lapses unless renewed (epoch ms, the store's clock). */
  expiresAt: number;
}

/** Who holds an agent's lease now. */
export interface LeaseHolder {
  /** The process (for liveness: a holder whose process is gone may be taken over before expiry). */
  owner: RunOwner;
  /** The holder inside that process (a runner; one process may open several). */
  holder: string;
  fence: number;
  expiresAt: number;
}
