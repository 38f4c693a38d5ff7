// The AgentRunner: one run per agent at a time (FIFO per agent, agents concurrent), cancellation by run or
// by agent, and on-demand compaction — all through the same per-agent queue, so nothing races a step.
import { randomBytes } from "node:crypto";
import { LmosError } from "../errors.ts";
import { newId, nowIso } from "../store/index.ts";
import type { AgentEvent } from "./events.ts";
import { LeaseWaitCancelled, withAgentLease } from "./lease.ts";
import { evictIntoSummary, type EvictionResult } from "./pressure.ts";
import { KeyedQueue } from "./queue.ts";
import { type KernelRunResult, runAgent } from "./run.ts";
import type { KernelDeps, KernelRunOptions, RunInput } from "./types.ts";
import { loadView, MessageCache } from "./view.ts";

interface LiveRun {
  agentId: string;
  controller: AbortController;
}

/** Runs agents: queued per agent, cancellable, with a shared cache of in-context messages. */
export class AgentRunner {
  private readonly queue = new KeyedQueue();
  private readonly cache = new MessageCache();
  private readonly live = new Map<string, LiveRun>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly finishListeners: Array<(result: KernelRunResult) => void> = [];
  private readonly eventListeners: Array<(event: AgentEvent) => void> = [];
  /** This runner as the holder of agent leases (a process may open several runners on one database). */
  private readonly holder = randomBytes(8).toString("hex");

  constructor(readonly deps: KernelDeps) {}

  /** Runs `task` first in the agent's local queue, then under its lease among processes (lease.ts). */
  private serial<T>(
    agentId: string,
    signal: AbortSignal | undefined,
    task: Parameters<typeof withAgentLease<T>>[5],
  ): Promise<T> {
    return this.queue.run(agentId, () =>
      withAgentLease(this.deps.store, this.holder, agentId, this.deps.leases, signal, task),
    );
  }

  /** Queues a run; resolves when it finished. The run id is known at once through `options.runId`/onQueued. */
  run(
    agentId: string,
    input: RunInput,
    options: KernelRunOptions & { onQueued?: (runId: string) => void } = {},
  ): Promise<KernelRunResult> {
    const runId = options.runId ?? newId("run");
    const controller = new AbortController();
    const external = options.signal;
    const onAbort = () => controller.abort(external?.reason);
    if (external?.aborted) controller.abort(external.reason);
    else external?.addEventListener("abort", onAbort, { once: true });
    this.live.set(runId, { agentId, controller });
    options.onQueued?.(runId);
    const own = options.onEvent;
    const onEvent =
      this.eventListeners.length === 0
        ? own
        : (e: AgentEvent) => {
            own?.(e);
            for (const listen of this.eventListeners) listen(e);
          };
    const done = this.serial(agentId, controller.signal, (lease) =>
      runAgent(
        this.deps,
        this.cache,
        agentId,
        input,
        { ...options, onEvent, runId, signal: controller.signal },
        lease,
      ),
    )
      .then((result) => {
        for (const listen of this.finishListeners) listen(result);
        return result;
      })
      .catch(async (e: unknown) => {
        if (!(e instanceof LeaseWaitCancelled)) throw e;
        // Never started: a run created ahead (background) ends cancelled; the caller gets the cancellation.
        const end = { status: "cancelled", stopReason: "cancelled", completedAt: nowIso() } as const;
        await this.deps.store.updateRun(runId, end).catch(() => {});
        throw new LmosError("cancelled", e.message);
      })
      .finally(() => {
        this.live.delete(runId);
        this.inFlight.delete(done);
        external?.removeEventListener("abort", onAbort);
      });
    this.inFlight.add(done);
    return done;
  }

  /** Calls `listen` after every run that finished (sleep-time companions start from here). */
  onFinish(listen: (result: KernelRunResult) => void): void {
    this.finishListeners.push(listen);
  }

  /** Calls `listen` with every event of every run (the runtime's per-agent event feed). */
  onEvent(listen: (event: AgentEvent) => void): void {
    this.eventListeners.push(listen);
  }

  /** True while a run (or exclusive task) of the agent is running or queued in this process. */
  busy(agentId: string): boolean {
    return this.queue.busy(agentId);
  }

  /** Cancels every run and waits until all have settled (before closing the store). */
  async drain(): Promise<void> {
    for (const run of this.live.values())
      run.controller.abort(new DOMException("lmos closing", "AbortError"));
    await Promise.allSettled([...this.inFlight]);
  }

  /** Cancels one run, or every queued and running run of the agent; false when there was none. */
  cancel(agentId: string, runId?: string): boolean {
    let any = false;
    for (const [id, run] of this.live) {
      if (run.agentId !== agentId || (runId && id !== runId)) continue;
      run.controller.abort(new DOMException("run cancelled", "AbortError"));
      any = true;
    }
    return any;
  }

  /** Ids of the runs of an agent that are queued or running. */
  activeRuns(agentId: string): string[] {
    return [...this.live].filter(([, r]) => r.agentId === agentId).map(([id]) => id);
  }

  /** Evicts into the summary now (queued behind any run); null when there was nothing to evict. */
  compact(agentId: string, onEvent?: (e: AgentEvent) => void): Promise<EvictionResult | null> {
    return this.serial(agentId, undefined, async () => {
      const view = await loadView(this.deps, this.cache, agentId);
      const result = await evictIntoSummary(this.deps, this.cache, view);
      if (result && onEvent) {
        onEvent({
          type: "context-pressure",
          runId: "",
          agentId,
          action: "evict",
          tokens: 0,
          contextWindow: view.contextWindow,
          evicted: result.evicted,
        });
      }
      return result;
    });
  }

  /** Runs `task` exclusively for the agent (no run of it in progress meanwhile), e.g. a reset. */
  exclusive<T>(agentId: string, task: () => Promise<T>): Promise<T> {
    return this.serial(agentId, undefined, () => task());
  }

  /** Drops cached state of a deleted agent. */
  forget(agentId: string): void {
    this.cache.forget(agentId);
  }
}
