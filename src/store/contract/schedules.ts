// The Store contract, schedules: an agent's scheduled wake-ups and the claim of each firing. Firing is a
// compare-and-set on the schedule row (its nextRunAt moves from the due time on, in the same transaction
// as the job that runs the firing is inserted), so when several processes on one database see the same
// due schedule, exactly one fires it. Conformance: conformance/schedules.testkit.ts.
import type { JobRecord, ScheduleRecord } from "../coordination-records.ts";
import type { Page } from "./queries.ts";

export interface ScheduleStore {
  /** not_found when the agent does not exist; deleting the agent deletes its schedules. */
  createSchedule(schedule: ScheduleRecord): Promise<void>;
  getSchedule(id: string): Promise<ScheduleRecord | null>;
  /** In created order, optionally one agent's. */
  listSchedules(q: Page & { agentId?: string }): Promise<ScheduleRecord[]>;
  /** false when there was no such schedule. */
  deleteSchedule(id: string): Promise<boolean>;
  /** Schedules with nextRunAt <= now, soonest first. */
  dueSchedules(now: string, limit: number): Promise<ScheduleRecord[]>;
  /** Claims the firing of a schedule due at `dueAt`: when its nextRunAt is still `dueAt`, sets it to
   * `next` (null: fired for good), lastFiredAt to `dueAt`, and inserts `job`, all in one transaction, and
   * returns true; otherwise (another process fired it, or it was deleted) changes nothing and returns false. */
  fireSchedule(id: string, dueAt: string, next: string | null, job: JobRecord): Promise<boolean>;
}
