// One worker thread for one kind of CPU-heavy job (token counts of long texts, llm/token-worker.ts; the
// local embedder's batches, embed/local-embedder.ts), started on first use and answering jobs by id in
// the order they arrive. It holds the event loop open only while a job is pending. If it fails (an error
// or an exit), the jobs waiting on it fail and the next job starts a new worker.
import type { Worker } from "node:worker_threads";

/** What the worker posts back: the job's id, and an error message when the job failed. */
export interface WorkerAnswer {
  id: number;
  error?: string;
}

export interface WorkerJobsOptions<A extends WorkerAnswer, R> {
  /** Starts the worker; a throw fails the job that needed it (the next job tries again). */
  start: () => Worker;
  /** The result in an answer without an error. */
  result: (answer: A) => R;
  /** The error of a failed job, from the worker's message. */
  error: (message: string) => Error;
  /** What the worker is, for the error when it exits: "the <what> exited (code N)". */
  what: string;
}

/** Jobs on one lazily started worker thread (see the top of this file). */
export class WorkerJobs<Q extends object, A extends WorkerAnswer, R> {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(private readonly options: WorkerJobsOptions<A, R>) {}

  /** Posts `{ id, ...request }` to the worker (started now if none runs) and resolves with its answer. */
  run(request: Q): Promise<R> {
    this.worker ??= this.start();
    const w = this.worker;
    const id = this.nextId++;
    if (this.jobs.size === 0) w.ref();
    return new Promise<R>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      w.postMessage({ id, ...request });
    });
  }

  private start(): Worker {
    const w = this.options.start();
    w.unref();
    w.on("message", (m: A) => {
      const job = this.jobs.get(m.id);
      if (!job) return;
      this.jobs.delete(m.id);
      if (this.jobs.size === 0) w.unref();
      if (m.error !== undefined) job.reject(this.options.error(m.error));
      else job.resolve(this.options.result(m));
    });
    w.on("error", (e) => {
      if (this.worker === w) this.failAll(e);
    });
    w.on("exit", (code) => {
      if (this.worker === w) this.failAll(new Error(`the ${this.options.what} exited (code ${code})`));
    });
    return w;
  }

  private failAll(error: Error): void {
    this.worker = null;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}
