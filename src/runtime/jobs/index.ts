// The job queue and scheduler: contracts and the in-process implementations on the Store.
export { checkSpec, nextFiring } from "./cron.ts";
export { StoreJobQueue, type StoreJobQueueOptions } from "./store-job-queue.ts";
export { SCHEDULE_QUEUE, StoreScheduler, type StoreSchedulerOptions } from "./store-scheduler.ts";
export type * from "./types.ts";
