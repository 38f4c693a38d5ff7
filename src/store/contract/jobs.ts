// The Store contract, jobs: the rows of the one job queue every kind of background work runs on (schedule
// firings, agent-to-agent messages, sleep-time runs). A job is held by one worker at a time under a lease;
// a lease that runs out (its process died) frees the job for another worker. Conformance:
// conformance/jobs.testkit.ts. Small on purpose: a Postgres store implements it with
// `SELECT … FOR UPDATE SKIP LOCKED`, or hands the queue to pg-boss / graphile-worker.
import type { JobRecord } from "../coordination-records.ts";
import type { Page } from "./queries.ts";

/** What claimJobs takes: the queues a worker serves, who it is, the time, and its lease. */
export interface JobClaim {
  queues: string[];
  worker: string;
  now: string;
  /** The lease of the claimed jobs ends here unless extended. */
  lockedUntil: string;
  limit: number;
}

/** How a worker ends a job it holds. */
export type JobEnd =
  | { status: "completed" }
  | { status: "failed"; error: string }
  /** Back to the queue, to be tried again at runAt. */
  | { status: "queued"; runAt: string; error?: string };

export interface JobStore {
  /** Adds a job; when an unfinished job already has its key, adds nothing and returns false. */
  enqueueJob(job: JobRecord): Promise<boolean>;
  getJob(id: string): Promise<JobRecord | null>;
  /** Jobs in created order, by queue and status. */
  listJobs(q: Page & { queues?: string[]; statuses?: JobRecord["status"][] }): Promise<JobRecord[]>;
  /** Takes up to `limit` due jobs of the queues (queued with runAt <= now, or running with a lease that
   * ended), oldest runAt first, each for exactly one caller: status running, the worker and lease set, one
   * more attempt. A job whose lease ended with no attempts left is failed instead. */
  claimJobs(claim: JobClaim): Promise<JobRecord[]>;
  /** Moves the lease of a job the worker holds; false when it holds it no more. */
  extendJob(id: string, worker: string, lockedUntil: string): Promise<boolean>;
  /** Ends a job the worker holds (a completed job is deleted); false when it holds it no more. */
  finishJob(id: string, worker: string, end: JobEnd): Promise<boolean>;
}
