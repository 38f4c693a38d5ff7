// Schedules → Letta's ScheduledMessage (@letta-ai/letta-client agents/schedule.ts).
import type { ScheduleRecord } from "../../store/types.ts";

type Json = Record<string, unknown>;

/** Letta's ScheduledMessage; `scheduled_at` in milliseconds since the epoch, as Letta has it. */
export function scheduleToLetta(s: ScheduleRecord): Json {
  const p = s.payload as {
    messages?: Array<{ role: string; content: string; name?: string }>;
    maxSteps?: number;
    reason?: string;
  };
  return {
    id: s.id,
    agent_id: s.agentId,
    message: {
      messages: (p.messages ?? []).map((m) => ({
        role: m.role,
        content: m.content,
        ...(m.name ? { name: m.name } : {}),
      })),
      ...(p.maxSteps !== undefined ? { max_steps: p.maxSteps } : {}),
    },
    next_scheduled_time: s.nextRunAt,
    schedule:
      s.spec.type === "one-time"
        ? { type: "one-time", scheduled_at: Date.parse(s.spec.at) }
        : { type: "recurring", cron_expression: s.spec.cron },
    // lmos extras: the time zone of a cron schedule, the heartbeat's reason, the last firing.
    timezone: s.spec.type === "recurring" ? s.spec.timezone : null,
    reason: p.reason ?? null,
    last_fired_at: s.lastFiredAt,
    created_at: s.createdAt,
  };
}
