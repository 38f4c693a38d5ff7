// Date bounds from the model or the API: "YYYY-MM-DD" means the whole day (UTC); full ISO times pass as is.
import { ToolError } from "../errors.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** An inclusive ISO bound, or undefined; throws a ToolError the model can act on for a bad date. */
export function dateBound(
  value: string | undefined,
  edge: "start" | "end",
  field: string,
): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim();
  const iso = DAY.test(v) ? `${v}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z` : v;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    throw new ToolError(
      `Error: ${field} ${JSON.stringify(value)} is not a date; use YYYY-MM-DD or an ISO time.`,
    );
  }
  return d.toISOString();
}
