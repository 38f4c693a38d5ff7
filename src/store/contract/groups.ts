// The Store contract, groups: Letta's multi-agent groups (members in order, a manager policy, shared
// blocks) and the counters their managers keep. Conformance: conformance/groups.testkit.ts.
import type { GroupRecord, ManagerType } from "../coordination-records.ts";
import type { Page } from "./queries.ts";
import type { ProjectFilter } from "./tenancy.ts";

export interface GroupStore {
  /** not_found when a member or manager agent does not exist. */
  createGroup(group: GroupRecord): Promise<void>;
  getGroup(id: string): Promise<GroupRecord | null>;
  listGroups(q: Page & ProjectFilter & { managerType?: ManagerType }): Promise<GroupRecord[]>;
  updateGroup(id: string, patch: Partial<GroupRecord>): Promise<GroupRecord>;
  deleteGroup(id: string): Promise<void>;
  /** The groups the agent is a member or the manager of, in created order. */
  agentGroups(agentId: string): Promise<GroupRecord[]>;
  /** Adds one to the group's turn counter and returns the new value (one step across processes). */
  bumpGroupTurns(id: string): Promise<number>;
}
