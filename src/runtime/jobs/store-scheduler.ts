// The scheduler over the Store's schedule rows (contract/schedules.ts): each tick fires every due
// schedule by claiming it (a compare-and-set that only one process wins) together with the job that runs
// the firing, then moves it to its next time after now — so a schedule missed while nothing ran fires
// once, not once per missed tick. A tick also looks one tick ahead and fires those schedules on a timer at
// their due time, so a firing is not late by up to a tick (and every process serving the database tries
// the claim at the same moment: the store's claim is what keeps it to one).
import { newId, nowIso } from "../../store/index.ts";
import type { JobRecord, ScheduleRecord, ScheduleStore } from "../../store/types.ts";
import { nextFiring } from "./cron.ts";
import type { Scheduler } from "./types.ts";

/** The queue a firing's job goes to. */
export const SCHEDULE_QUEUE = "agent.schedule";

export interface StoreSchedulerOptions {
  tickMs: number;
  /** Told after a tick queued firings (the job queue then looks for them at once). */
  onFired?: () => void;
}

/** The in-process scheduler on a ScheduleStore. */
export class StoreScheduler implements Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;
  /** Firings waiting on a timer, by schedule id and due time. */
  private readonly soon = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ScheduleStore,
    private readonly options: StoreSchedulerOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.options.tickMs);
    this.timer.unref();
    void this.tick().catch(() => {});
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => {});
    for (const t of this.soon.values()) clearTimeout(t);
    this.soon.clear();
  }

  tick(): Promise<number> {
    // One tick at a time per process; a tick asked for meanwhile shares the one in progress.
    this.ticking ??= this.fireDue().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async fireDue(): Promise<number> {
    const now = Date.now();
    const horizon = new Date(now + (this.timer ? this.options.tickMs : 0)).toISOString();
    let fired = 0;
    for (const s of await this.store.dueSchedules(horizon, 100)) {
      if (!s.nextRunAt) continue;
      const wait = Date.parse(s.nextRunAt) - Date.now();
      if (wait <= 0) {
        if (await this.fire(s)) fired++;
        continue;
      }
      const key = `${s.id}@${s.nextRunAt}`;
      if (this.soon.has(key)) continue;
      const timer = setTimeout(() => {
        this.soon.delete(key);
        void this.fire(s)
          .then((ok) => ok && this.options.onFired?.())
          .catch(() => {});
      }, wait);
      timer.unref();
      this.soon.set(key, timer);
    }
    if (fired > 0) this.options.onFired?.();
    return fired;
  }

  /** Claims one firing of a schedule seen due at its nextRunAt; false when another process had it. */
  private async fire(s: ScheduleRecord): Promise<boolean> {
    const dueAt = s.nextRunAt!;
    const stamp = nowIso();
    const job: JobRecord = {
      id: newId("job"),
      queue: SCHEDULE_QUEUE,
      key: `schedule:${s.id}:${dueAt}`,
      payload: { scheduleId: s.id, agentId: s.agentId, dueAt, input: s.payload },
      status: "queued",
      runAt: stamp,
      attempts: 0,
      maxAttempts: 1,
      lockedBy: null,
      lockedUntil: null,
      error: null,
      createdAt: stamp,
      updatedAt: stamp,
    };
    // The next firing after now (not after the due time): a schedule that missed several fires once.
    const next = nextFiring(s.spec, new Date(Math.max(Date.now(), Date.parse(dueAt))));
    return this.store.fireSchedule(s.id, dueAt, next, job);
  }
}
