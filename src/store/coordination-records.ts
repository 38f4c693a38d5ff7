// The records of coordination between agents and processes: jobs of the one job queue, schedules, groups.
/** A unit of background work in the one job queue (schedule firings, agent messages, sleep-time runs). */
export interface JobRecord {
  id: string;
  /** The kind of work, e.g. "agent.wake"; workers ask for the queues they handle. */
  queue: string;
  /** At most one unfinished (queued or running) job has a given key; null: no such limit. */
  key: string | null;
  payload: Record<string, unknown>;
  status: "queued" | "running" | "completed" | "failed";
  /** Not before this time (ISO). */
  runAt: string;
  attempts: number;
  maxAttempts: number;
  /** The worker holding a running job, and until when its lease lasts. */
  lockedBy: string | null;
  lockedUntil: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** When a schedule fires: once at a time, or on a cron expression (5 or 6 fields) in a time zone. */
export type ScheduleSpec =
  | { type: "one-time"; at: string }
  | { type: "recurring"; cron: string; timezone: string | null };

/** A scheduled wake-up of an agent (Letta's scheduled message). */
export interface ScheduleRecord {
  id: string;
  agentId: string;
  spec: ScheduleSpec;
  /** What a firing sends (messages, reason, step limit); opaque to the store. */
  payload: Record<string, unknown>;
  /** The next firing (ISO), or null once a one-time schedule has fired. */
  nextRunAt: string | null;
  lastFiredAt: string | null;
  createdAt: string;
}

/** Letta's multi-agent group managers. */
export type ManagerType = "round_robin" | "supervisor" | "dynamic" | "sleeptime";

/** A group of agents (Letta's Group): members in order, a manager policy, blocks its members share. */
export interface GroupRecord {
  id: string;
  managerType: ManagerType;
  agentIds: string[];
  description: string;
  /** supervisor, dynamic: the agent that routes; sleeptime: the primary agent. */
  managerAgentId: string | null;
  /** dynamic: a participant's reply holding it ends the turn (default "DONE!"). */
  terminationToken: string | null;
  maxTurns: number | null;
  /** sleeptime: the companion runs after every this many turns of the primary (null: every turn). */
  sleeptimeAgentFrequency: number | null;
  turnsCounter: number;
  /** sleeptime: the last primary message a companion has seen. */
  lastProcessedMessageId: string | null;
  sharedBlockIds: string[];
  createdAt: string;
  updatedAt: string;
}
