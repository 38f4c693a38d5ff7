// The public API of lmos's many-agent features: schedules, groups, sleep-time companions, agent files.
import type { RunUsage, StopReason } from "../kernel/events.ts";
import type {
  GroupRecord,
  ManagerType,
  MessageRecord,
  Page,
  ProjectFilter,
  ScheduleRecord,
} from "../store/types.ts";
import type { InputMessage, RunOptions } from "./input-types.ts";

/** A scheduled wake-up: a cron expression (with an IANA time zone) or one time; the firing runs the agent
 * on a heartbeat carrying `reason`, followed by `messages` (Letta's scheduled message) if any. */
export interface ScheduleInput {
  cron?: string;
  timezone?: string;
  /** ISO time, milliseconds since the epoch, or a Date. */
  at?: string | number | Date;
  reason?: string;
  messages?: InputMessage[];
  maxSteps?: number;
}

/** One agent's schedules. */
export interface SchedulesApi {
  create(input: ScheduleInput): Promise<ScheduleRecord>;
  list(query?: Page): Promise<ScheduleRecord[]>;
  /** Throws not_found for a schedule of another agent or none. */
  get(id: string): Promise<ScheduleRecord>;
  delete(id: string): Promise<void>;
}

export interface GroupInput {
  agentIds: string[];
  description?: string;
  managerType?: ManagerType;
  managerAgentId?: string;
  terminationToken?: string;
  maxTurns?: number;
  sleeptimeAgentFrequency?: number;
  sharedBlockIds?: string[];
}

/** What a message to a group gave: every member's run, in turn order, and the replies. */
export interface GroupTurnResult {
  groupId: string;
  runs: Array<{ agentId: string; runId: string; stopReason: StopReason; replies: string[]; usage: RunUsage }>;
  /** Every message the turn's runs stored, in order. */
  messages: MessageRecord[];
}

export interface GroupsApi {
  create(input: GroupInput): Promise<GroupRecord>;
  get(id: string): Promise<GroupRecord>;
  list(query?: Page & ProjectFilter & { managerType?: ManagerType }): Promise<GroupRecord[]>;
  update(id: string, patch: Partial<GroupInput>): Promise<GroupRecord>;
  delete(id: string): Promise<void>;
  /** Routes a message by the group's manager policy (round robin, supervisor, dynamic). */
  send(id: string, input: string | InputMessage[], options?: RunOptions): Promise<GroupTurnResult>;
  /** Attaches a block to the group and every member (a shared block). */
  attachBlock(id: string, blockId: string): Promise<GroupRecord>;
  detachBlock(id: string, blockId: string): Promise<GroupRecord>;
}
