// The coordination half of the SQLite store: the job queue's rows, agents' schedules and multi-agent
// groups (contract/jobs.ts, schedules.ts, groups.ts). SqliteStore (store.ts) builds on it.
import { LmosError } from "../../errors.ts";
import { nowIso } from "../ids.ts";
import type {
  GroupRecord,
  JobClaim,
  JobEnd,
  JobRecord,
  ManagerType,
  Page,
  ProjectFilter,
  ScheduleRecord,
  ApiKeyRecord,
} from "../types.ts";
import { groupCodec, jobCodec, scheduleCodec } from "./codecs.ts";
import * as groups from "./groups.ts";
import * as jobs from "./jobs.ts";
import { getRecord, patchRecord } from "./records.ts";
import * as schedules from "./schedules.ts";
import * as tenancy from "./tenancy.ts";
import { ANY_KEY, TOUCH_KEY } from "../tenancy-sql.ts";
import { canonicalIso } from "./sql.ts";
import { SqliteStoreBase } from "./store-base.ts";

/** Jobs, schedules and groups over the shared connection. */
export abstract class SqliteCoordinationStore extends SqliteStoreBase {
  // jobs
  enqueueJob(job: JobRecord) {
    return this.write(() => jobs.insertJob(this.sql, job));
  }
  getJob(id: string) {
    return this.read(() => getRecord(this.sql, jobCodec, id));
  }
  listJobs(q: Page & { queues?: string[]; statuses?: JobRecord["status"][] }) {
    return this.read(() => jobs.listJobs(this.sql, q));
  }
  claimJobs(claim: JobClaim) {
    const c = { ...claim, now: canonicalIso(claim.now), lockedUntil: canonicalIso(claim.lockedUntil) };
    return this.write(() => jobs.claimJobs(this.sql, c));
  }
  extendJob(id: string, worker: string, lockedUntil: string) {
    return this.write(() => jobs.extendJob(this.sql, id, worker, canonicalIso(lockedUntil)));
  }
  finishJob(id: string, worker: string, end: JobEnd) {
    const e = end.status === "queued" ? { ...end, runAt: canonicalIso(end.runAt) } : end;
    return this.write(() => jobs.finishJob(this.sql, id, worker, e, nowIso()));
  }

  // schedules
  createSchedule(schedule: ScheduleRecord) {
    return this.write(() => schedules.createSchedule(this.sql, schedule));
  }
  getSchedule(id: string) {
    return this.read(() => getRecord(this.sql, scheduleCodec, id));
  }
  listSchedules(q: Page & { agentId?: string }) {
    return this.read(() => schedules.listSchedules(this.sql, q));
  }
  deleteSchedule(id: string) {
    return this.write(() => this.sql.run("DELETE FROM schedules WHERE id = ?", id).changes === 1);
  }
  dueSchedules(now: string, limit: number) {
    return this.read(() => schedules.dueSchedules(this.sql, now, limit));
  }
  fireSchedule(id: string, dueAt: string, next: string | null, job: JobRecord) {
    return this.write(() => schedules.fireSchedule(this.sql, id, dueAt, next, job));
  }

  // groups
  createGroup(group: GroupRecord) {
    return this.write(() => groups.createGroup(this.sql, group));
  }
  getGroup(id: string) {
    return this.read(() => getRecord(this.sql, groupCodec, id));
  }
  listGroups(q: Page & ProjectFilter & { managerType?: ManagerType }) {
    return this.read(() => groups.listGroups(this.sql, q));
  }
  updateGroup(id: string, patch: Partial<GroupRecord>) {
    return this.write(() => patchRecord(this.sql, groupCodec, id, patch, "group"));
  }
  deleteGroup(id: string) {
    return this.write(() => {
      if (this.sql.run("DELETE FROM agent_groups WHERE id = ?", id).changes === 0) {
        throw new LmosError("not_found", `group ${id} not found`);
      }
    });
  }
  agentGroups(agentId: string) {
    return this.read(() => groups.agentGroups(this.sql, agentId));
  }
  bumpGroupTurns(id: string) {
    return this.write(() => groups.bumpGroupTurns(this.sql, id));
  }

  // tenancy
  createApiKey(key: ApiKeyRecord) {
    return this.write(() => tenancy.createApiKey(this.sql, key));
  }
  listApiKeys() {
    return this.read(() => tenancy.listApiKeys(this.sql));
  }
  findApiKey(hash: string) {
    return this.read(() => tenancy.findApiKey(this.sql, hash));
  }
  hasApiKeys() {
    return this.read(() => !!this.sql.get(ANY_KEY));
  }
  touchApiKey(id: string, at: string) {
    return this.write(() => void this.sql.run(TOUCH_KEY, at, id));
  }
  revokeApiKey(id: string, at: string) {
    return this.write(() => tenancy.revokeApiKey(this.sql, id, at));
  }
  claimResources(ids: string[], project: string) {
    return this.write(() => tenancy.claimResources(this.sql, ids, project));
  }
  resourceProjects(ids: string[]) {
    return this.read(() => tenancy.resourceProjects(this.sql, ids));
  }
}
