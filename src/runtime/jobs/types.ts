// The contracts of the one job queue and the one scheduler every kind of background work in lmos runs on:
// scheduled wake-ups, messages between agents, sleep-time memory runs (and later summaries and
// ingestion). The runtime builds one of each per open lmos; the in-process implementations sit on the
// Store's job and schedule rows (store-job-queue.ts, store-scheduler.ts), so they already coordinate
// several processes on one database; a Postgres runtime may swap in pg-boss or graphile-worker behind
// the same two interfaces.

/** A job as its handler sees it. */
export interface QueuedJob {
  id: string;
  queue: string;
  payload: Record<string, unknown>;
  /** This try's number, from 1. */
  attempts: number;
  maxAttempts: number;
}

/** What a handler may ask for instead of finishing: to run again later (e.g. its agent is busy). */
export interface JobRetry {
  retryAt: string;
}

/** Runs one job; resolving finishes it, throwing retries it (while attempts are left) or fails it. The
 * signal aborts when lmos closes: the job is then put back for the next process to take. */
export type JobHandler = (job: QueuedJob, signal: AbortSignal) => Promise<JobRetry | undefined>;

export interface EnqueueOptions {
  /** At most one unfinished job per key: enqueueing a key that is queued or running adds nothing. */
  key?: string;
  /** Not before this time (ISO); default now. */
  runAt?: string;
  /** Tries before the job fails (default 3). */
  maxAttempts?: number;
}

export interface JobQueue {
  enqueue(
    queue: string,
    payload: Record<string, unknown>,
    options?: EnqueueOptions,
  ): Promise<{ id: string; enqueued: boolean }>;
  /** Registers the handler of a queue; only queues with a handler are taken from the store. */
  handle(queue: string, handler: JobHandler): void;
  /** Starts taking jobs (polling the store, and at once after a local enqueue). */
  start(): void;
  /** Stops taking jobs, aborts the running ones and waits for them; aborted jobs go back to the queue. */
  stop(): Promise<void>;
  /** Resolves once this process runs no job and none of its queues has a due job (tests, one-shot CLIs). */
  settled(): Promise<void>;
}

export interface Scheduler {
  /** Starts firing due schedules (a tick at once, then every tick interval). */
  start(): void;
  stop(): Promise<void>;
  /** Fires every schedule due now, each once across every process on the database (a missed schedule
   * fires once, then moves to its next time after now); returns how many this process fired. */
  tick(): Promise<number>;
}
