// agent.schedules: an agent's scheduled wake-ups (Letta's scheduled messages), and the job handler that
// runs a firing: a run whose input is a heartbeat (the schedule's reason) and the scheduled messages.
import { z } from "zod";
import { LmosError } from "../errors.ts";
import type { AgentRunner } from "../kernel/index.ts";
import { newId, nowIso } from "../store/index.ts";
import type { ScheduleRecord, ScheduleSpec, Store } from "../store/types.ts";
import type { ScheduleInput, SchedulesApi } from "./coordination-types.ts";
import { checkSpec, type JobHandler, nextFiring } from "./jobs/index.ts";
import type { InputMessage } from "./types.ts";
import { type Check, inputMessageSchema } from "./validate.ts";

/** A schedule's input (agent.schedules.create). */
export const scheduleInputSchema = z
  .object({
    cron: z.string().min(1).max(200).optional(),
    timezone: z.string().min(1).max(100).optional(),
    at: z.union([z.string().min(1), z.number().finite(), z.date()]).optional(),
    reason: z.string().max(2_000).optional(),
    messages: z.array(inputMessageSchema).max(50).optional(),
    maxSteps: z.number().int().min(1).max(1000).optional(),
  })
  .refine((s) => (s.cron === undefined) !== (s.at === undefined), "give either cron or at, not both");

/** What a firing sends, as kept in the schedule's payload. */
export interface SchedulePayload {
  reason?: string;
  messages?: InputMessage[];
  maxSteps?: number;
}

function specOf(input: z.infer<typeof scheduleInputSchema>): ScheduleSpec {
  if (input.cron !== undefined)
    return { type: "recurring", cron: input.cron, timezone: input.timezone ?? null };
  const at = input.at instanceof Date ? input.at : new Date(input.at as string | number);
  if (Number.isNaN(at.getTime()))
    throw new LmosError("invalid_argument", `schedule.at: "${String(input.at)}" is not a time`);
  return { type: "one-time", at: at.toISOString() };
}

/** One agent's schedules; `check` is how create checks its input (validate, or trust for the server). */
export function schedulesApi(store: Store, agentId: string, check: Check): SchedulesApi {
  async function own(id: string): Promise<ScheduleRecord> {
    const s = await store.getSchedule(id);
    if (!s || s.agentId !== agentId)
      throw new LmosError("not_found", `schedule ${id} of agent ${agentId} not found`);
    return s;
  }
  return {
    async create(raw: ScheduleInput) {
      const input = check(scheduleInputSchema, raw, "schedule");
      const spec = specOf(input);
      checkSpec(spec);
      const now = new Date();
      // A one-time schedule in the past fires at the next tick, as a missed one does.
      const next = spec.type === "one-time" ? spec.at : nextFiring(spec, now);
      const payload: SchedulePayload = {
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        ...(input.messages ? { messages: input.messages } : {}),
        ...(input.maxSteps !== undefined ? { maxSteps: input.maxSteps } : {}),
      };
      const record: ScheduleRecord = {
        id: newId("scheduled_message"),
        agentId,
        spec,
        payload: payload as Record<string, unknown>,
        nextRunAt: next,
        lastFiredAt: null,
        createdAt: nowIso(),
      };
      await store.createSchedule(record);
      return record;
    },
    list: (query = {}) => store.listSchedules({ ...query, agentId }),
    get: own,
    async delete(id) {
      await own(id);
      await store.deleteSchedule(id);
    },
  };
}

/** Runs one firing: a heartbeat run of the schedule's agent, the first run of a chain of kind "schedule". */
export function scheduleFiringHandler(store: Store, runner: AgentRunner): JobHandler {
  return async (job, signal) => {
    const { agentId, scheduleId, dueAt, input } = job.payload as {
      agentId: string;
      scheduleId: string;
      dueAt: string;
      input?: SchedulePayload;
    };
    if (!(await store.getAgent(agentId))) return undefined; // the agent was deleted after the firing
    const runId = newId("run");
    await runner.run(
      agentId,
      {
        type: "wakeup",
        reason: input?.reason ?? `scheduled message ${scheduleId} (due ${dueAt})`,
        ...(input?.messages?.length ? { messages: input.messages } : {}),
      },
      {
        runId,
        signal,
        maxSteps: input?.maxSteps,
        chain: {
          id: runId,
          depth: 0,
          parentRunId: null,
          senderAgentId: null,
          kind: "schedule",
          waiting: [],
          origin: scheduleId,
        },
      },
    );
    return undefined;
  };
}
