// The job queue over the Store's job rows (contract/jobs.ts): a worker per open lmos polls for due jobs of
// the queues it handles, claims them under a lease it renews while they run, and finishes, retries or
// fails them. A process that dies leaves its leases to run out; another process then takes the jobs.
import { randomBytes } from "node:crypto";
import { newId, nowIso } from "../../store/index.ts";
import type { JobRecord, JobStore } from "../../store/types.ts";
import type { EnqueueOptions, JobHandler, JobQueue, QueuedJob } from "./types.ts";

export interface StoreJobQueueOptions {
  /** How often to look for due jobs (another process may have queued them). */
  pollMs: number;
  /** A claimed job's lease; renewed every third of it while the job runs. */
  leaseMs: number;
  /** Jobs this process runs at once. */
  concurrency: number;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

const retryDelayMs = (attempt: number) => Math.min(60_000, 1000 * 2 ** (attempt - 1));

/** The in-process job queue on a JobStore. */
export class StoreJobQueue implements JobQueue {
  readonly worker = `${process.pid}-${randomBytes(4).toString("hex")}`;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private polling: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: JobStore,
    private readonly options: StoreJobQueueOptions,
  ) {}

  async enqueue(queue: string, payload: Record<string, unknown>, options: EnqueueOptions = {}) {
    const now = nowIso();
    const job: JobRecord = {
      id: newId("job"),
      queue,
      key: options.key ?? null,
      payload,
      status: "queued",
      runAt: options.runAt ?? now,
      attempts: 0,
      maxAttempts: options.maxAttempts ?? 3,
      lockedBy: null,
      lockedUntil: null,
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    const enqueued = await this.store.enqueueJob(job);
    if (enqueued) this.poke();
    return { id: job.id, enqueued };
  }

  handle(queue: string, handler: JobHandler): void {
    this.handlers.set(queue, handler);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => this.poke(), this.options.pollMs);
    this.timer.unref();
    this.poke();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    for (const r of this.running.values()) r.controller.abort(new DOMException("lmos closing", "AbortError"));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  async settled(): Promise<void> {
    for (;;) {
      await this.polling;
      await Promise.allSettled([...this.running.values()].map((r) => r.done));
      const due = await this.store.listJobs({
        queues: [...this.handlers.keys()],
        statuses: ["queued", "running"],
      });
      const now = Date.now();
      if (this.running.size === 0 && !due.some((j) => Date.parse(j.runAt) <= now || j.status === "running"))
        return;
      this.poke();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Looks for due jobs soon (coalesced: one poll at a time, another right after if asked meanwhile). */
  poke(): void {
    if (!this.started) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.poll()
      .catch(() => {
        // the store is closing or busy: the next tick tries again
      })
      .finally(() => {
        this.polling = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private async poll(): Promise<void> {
    const free = this.options.concurrency - this.running.size;
    if (!this.started || free <= 0 || this.handlers.size === 0) return;
    const now = Date.now();
    const jobs = await this.store.claimJobs({
      queues: [...this.handlers.keys()],
      worker: this.worker,
      now: new Date(now).toISOString(),
      lockedUntil: new Date(now + this.options.leaseMs).toISOString(),
      limit: free,
    });
    for (const job of jobs) this.run(job);
  }

  private run(record: JobRecord): void {
    const controller = new AbortController();
    const handler = this.handlers.get(record.queue)!;
    const job: QueuedJob = {
      id: record.id,
      queue: record.queue,
      payload: record.payload,
      attempts: record.attempts,
      maxAttempts: record.maxAttempts,
    };
    const renew = setInterval(
      () => {
        const until = new Date(Date.now() + this.options.leaseMs).toISOString();
        void this.store.extendJob(job.id, this.worker, until).catch(() => {});
      },
      Math.max(10, Math.floor(this.options.leaseMs / 3)),
    );
    renew.unref();
    const done = (async () => {
      try {
        const outcome = await handler(job, controller.signal);
        await this.store.finishJob(
          job.id,
          this.worker,
          outcome ? { status: "queued", runAt: outcome.retryAt } : { status: "completed" },
        );
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        if (controller.signal.aborted) {
          // lmos is closing: the next process to open takes the job again
          await this.store.finishJob(job.id, this.worker, { status: "queued", runAt: nowIso(), error });
        } else if (job.attempts < job.maxAttempts) {
          const runAt = new Date(Date.now() + retryDelayMs(job.attempts)).toISOString();
          await this.store.finishJob(job.id, this.worker, { status: "queued", runAt, error });
        } else {
          await this.store.finishJob(job.id, this.worker, { status: "failed", error });
        }
      }
    })()
      .catch(() => {
        // the store closed under us: the lease runs out and another worker takes the job
      })
      .finally(() => {
        clearInterval(renew);
        this.running.delete(job.id);
        this.poke();
      });
    this.running.set(job.id, { controller, done });
  }
}
