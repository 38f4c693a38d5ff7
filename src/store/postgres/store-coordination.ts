// The coordination half of the PostgreSQL store: the job queue's rows, agents' schedules and multi-agent
// groups (contract/jobs.ts, schedules.ts, groups.ts). PostgresStore (store.ts) builds on it.
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
import { groupCodec, jobCodec, scheduleCodec } from "../sqlite/codecs.ts";
import { listBy } from "./agents.ts";
import * as coordination from "./coordination.ts";
import { getRecord, patchRecord } from "./records.ts";
import { PostgresStoreBase } from "./store-base.ts";
import * as tenancy from "./tenancy.ts";
import * as t from "../tenancy-sql.ts";

/** Jobs, schedules and groups over the shared pool. */
export abstract class PostgresCoordinationStore extends PostgresStoreBase {
  // jobs
  enqueueJob(job: JobRecord) {
    return this.write((q) => coordination.insertJob(q, job));
  }
  getJob(id: string) {
    return this.read((q) => getRecord(q, jobCodec, id));
  }
  listJobs(page: Page & { queues?: string[]; statuses?: JobRecord["status"][] }) {
    return this.read((q) =>
      listBy(q, jobCodec, page, {}, (s) => {
        for (const [column, values] of [
          ["x.queue", page.queues],
          ["x.status", page.statuses],
        ] as const) {
          if (!values) continue;
          s.where.push(`${column} = ANY(?::text[])`);
          s.params.push(values);
        }
      }),
    );
  }
  claimJobs(claim: JobClaim) {
    return this.write((q) => coordination.claimJobs(q, claim));
  }
  extendJob(id: string, worker: string, lockedUntil: string) {
    return this.write((q) => coordination.extendJob(q, id, worker, lockedUntil));
  }
  finishJob(id: string, worker: string, end: JobEnd) {
    return this.write((q) => coordination.finishJob(q, id, worker, end, nowIso()));
  }

  // schedules
  createSchedule(schedule: ScheduleRecord) {
    return this.write((q) => coordination.createSchedule(q, schedule));
  }
  getSchedule(id: string) {
    return this.read((q) => getRecord(q, scheduleCodec, id));
  }
  listSchedules(page: Page & { agentId?: string }) {
    return this.read((q) => listBy(q, scheduleCodec, page, { agent_id: page.agentId }));
  }
  deleteSchedule(id: string) {
    return this.write(async (q) => (await q.run("DELETE FROM schedules WHERE id = ?", id)) === 1);
  }
  dueSchedules(now: string, limit: number) {
    return this.read((q) => coordination.dueSchedules(q, now, limit));
  }
  fireSchedule(id: string, dueAt: string, next: string | null, job: JobRecord) {
    return this.write((q) => coordination.fireSchedule(q, id, dueAt, next, job));
  }

  // groups
  createGroup(group: GroupRecord) {
    return this.write((q) => coordination.createGroup(q, group));
  }
  getGroup(id: string) {
    return this.read((q) => getRecord(q, groupCodec, id));
  }
  listGroups(page: Page & ProjectFilter & { managerType?: ManagerType }) {
    return this.read((q) => listBy(q, groupCodec, page, { manager_type: page.managerType }));
  }
  updateGroup(id: string, patch: Partial<GroupRecord>) {
    return this.write((q) => patchRecord(q, groupCodec, id, patch, "group"));
  }
  deleteGroup(id: string) {
    return this.write(async (q) => {
      if ((await q.run("DELETE FROM agent_groups WHERE id = ?", id)) === 0) {
        throw new LmosError("not_found", `group ${id} not found`);
      }
    });
  }
  agentGroups(agentId: string) {
    return this.read((q) => coordination.agentGroups(q, agentId));
  }
  // One bump of a group after another from this process, so callers see counts in the order they asked
  // (on a pool, concurrent bumps would race to different connections); other processes interleave freely.
  private readonly bumps = new Map<string, Promise<unknown>>();
  bumpGroupTurns(id: string): Promise<number> {
    const prev = this.bumps.get(id) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => this.write((q) => coordination.bumpGroupTurns(q, id)));
    this.bumps.set(id, next);
    void next
      .catch(() => {})
      .finally(() => {
        if (this.bumps.get(id) === next) this.bumps.delete(id);
      });
    return next;
  }

  // tenancy
  async createApiKey(key: ApiKeyRecord) {
    await this.write((q) => q.run(t.INSERT_KEY, ...t.keyValues(key)));
  }
  listApiKeys() {
    return this.read((q) => tenancy.listApiKeys(q));
  }
  findApiKey(hash: string) {
    return this.read((q) => tenancy.findApiKey(q, hash));
  }
  async hasApiKeys() {
    return !!(await this.read((q) => q.get(t.ANY_KEY)));
  }
  async touchApiKey(id: string, at: string) {
    await this.write((q) => q.run(t.TOUCH_KEY, at, id));
  }
  revokeApiKey(id: string, at: string) {
    return this.write((q) => tenancy.revokeApiKey(q, id, at));
  }
  claimResources(ids: string[], project: string) {
    return this.write((q) => tenancy.claimResources(q, ids, project));
  }
  resourceProjects(ids: string[]) {
    return this.read((q) => tenancy.resourceProjects(q, ids));
  }
}
