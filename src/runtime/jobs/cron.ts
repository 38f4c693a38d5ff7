// When a schedule fires next: cron expressions through croner (5 fields, or 6 with seconds; IANA time
// zones), one-time schedules at their time.
import { Cron } from "croner";
import { LmosError } from "../../errors.ts";
import type { ScheduleSpec } from "../../store/types.ts";

function cronOf(expression: string, timezone: string | null): Cron {
  try {
    return new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (e) {
    throw new LmosError(
      "invalid_argument",
      `cron expression "${expression}"${timezone ? ` in ${timezone}` : ""}: ${(e as Error).message}`,
    );
  }
}

/** Throws invalid_argument for a cron expression or time zone that cannot fire. */
export function checkSpec(spec: ScheduleSpec): void {
  if (spec.type === "one-time") {
    if (Number.isNaN(Date.parse(spec.at)))
      throw new LmosError("invalid_argument", `time "${spec.at}": not a time`);
    return;
  }
  let next: Date | null;
  try {
    next = cronOf(spec.cron, spec.timezone).nextRun(new Date());
  } catch (e) {
    throw new LmosError("invalid_argument", `time zone "${spec.timezone}": ${(e as Error).message}`);
  }
  if (!next) {
    throw new LmosError("invalid_argument", `cron expression "${spec.cron}" never fires`);
  }
}

/** The first firing strictly after `after` (ISO), or null when there is none. */
export function nextFiring(spec: ScheduleSpec, after: Date): string | null {
  if (spec.type === "one-time")
    return Date.parse(spec.at) > after.getTime() ? new Date(spec.at).toISOString() : null;
  return cronOf(spec.cron, spec.timezone).nextRun(after)?.toISOString() ?? null;
}
