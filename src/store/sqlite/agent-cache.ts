// A read cache for the per-step hot path: the agent record (whose in-context id list is large and
// costly to parse) and its message count (map of all pieces: README.md).
// Serves: getAgent, countMessages, and `prev` (the in-context ids a write of the window diffs against).
// Kept current by own writes once their transaction (a batched write's savepoint) has succeeded:
// updateAgent stores the record it read back, commitStep / commitMessages patch it and add their messages.
// Invalidated: one agent by deleteAgent, failOrphanRuns and the agents a block write stamps (forget); the
// whole cache by a commit of another connection (ForeignWrites: PRAGMA data_version) and by a group commit
// that rolled back whole after its writes had patched it (clear).
import type { AgentRecord } from "../types.ts";
import type { ForeignWrites } from "./foreign-writes.ts";
import { canonicalIso } from "./sql.ts";

// Callers may mutate what they get at the top level and in its arrays: those are copies. The copy is
// shallow below that — pendingApproval, toolRules' entries and values nested in metadata are shared with
// the cache (no caller mutates them; one that would must copy first).
function copy(a: AgentRecord): AgentRecord {
  return {
    ...a,
    tags: [...a.tags],
    metadata: { ...a.metadata },
    settings: { ...a.settings },
    toolRules: [...a.toolRules],
    inContextMessageIds: [...a.inContextMessageIds],
  };
}

/** Cached agents and message counts, valid while no other connection has written. */
export class AgentCache {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly counts = new Map<string, number>();
  constructor(private readonly foreign: ForeignWrites) {
    foreign.watch(() => this.clear());
  }

  private fresh(): void {
    this.foreign.check();
  }

  /** Forgets everything. */
  clear(): void {
    this.agents.clear();
    this.counts.clear();
  }

  /** The agent, from cache or from load (null results are not cached). */
  agent(id: string, load: () => AgentRecord | null): AgentRecord | null {
    this.fresh();
    let a = this.agents.get(id);
    if (!a) {
      const loaded = load();
      if (!loaded) return null;
      a = loaded;
      this.agents.set(id, a);
    }
    return copy(a);
  }

  /** The agent's stored in-context ids (not a copy: read only), from cache or from load. */
  contextIds(id: string, load: () => string[]): string[] {
    this.fresh();
    return this.agents.get(id)?.inContextMessageIds ?? load();
  }

  /** The agent's message count, from cache or from load. */
  count(agentId: string, load: () => number): number {
    this.fresh();
    let n = this.counts.get(agentId);
    if (n === undefined) {
      n = load();
      this.counts.set(agentId, n);
    }
    return n;
  }

  // The three below record own commits without checking data_version: a foreign commit since the last
  // check is still unseen, so the next read drops the whole cache anyway.

  /** Records a committed write of the full agent. */
  stored(a: AgentRecord): void {
    this.agents.set(a.id, copy(a));
  }

  /** Records a committed patch (with the updatedAt it was written with). The patch's objects are kept as
   * they are (only the in-context list is copied): the caller must not mutate them after. */
  patched(id: string, patch: Partial<AgentRecord>): void {
    const a = this.agents.get(id);
    if (!a) return;
    const next: AgentRecord = { ...a, ...patch, id };
    for (const k of ["memoryEditedAt", "lastRunAt", "createdAt", "updatedAt"] as const) {
      const v = next[k];
      if (typeof v === "string") (next as unknown as Record<string, string>)[k] = canonicalIso(v);
    }
    if (patch.inContextMessageIds) next.inContextMessageIds = [...patch.inContextMessageIds];
    this.agents.set(id, next);
  }

  /** Records committed messages (counts only grow this way). */
  messagesAdded(agentIds: string[]): void {
    for (const id of agentIds) {
      const n = this.counts.get(id);
      if (n !== undefined) this.counts.set(id, n + 1);
    }
  }

  /** Forgets an agent (deleted, or written in a way the cache does not track). */
  forget(id: string): void {
    this.agents.delete(id);
    this.counts.delete(id);
  }
}
