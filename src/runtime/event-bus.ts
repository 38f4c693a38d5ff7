// The events of every run of this process, per agent, for `agent.watch`: a user sees what its agent does
// in the background (a schedule's firing, a message from another agent, its sleep-time companion's edits).
import type { AgentEvent } from "../kernel/index.ts";

/** Subscribers of agents' events. */
export class AgentEventBus {
  private readonly listeners = new Map<string, Set<(e: AgentEvent) => void>>();

  /** Calls `listen` with the events published for the agent; returns the unsubscribe. */
  subscribe(agentId: string, listen: (e: AgentEvent) => void): () => void {
    let set = this.listeners.get(agentId);
    if (!set) {
      set = new Set();
      this.listeners.set(agentId, set);
    }
    set.add(listen);
    return () => {
      set.delete(listen);
      if (set.size === 0) this.listeners.delete(agentId);
    };
  }

  publish(agentId: string, event: AgentEvent): void {
    for (const listen of this.listeners.get(agentId) ?? []) {
      try {
        listen(event);
      } catch {
        // a subscriber's failure is its own
      }
    }
  }
}
