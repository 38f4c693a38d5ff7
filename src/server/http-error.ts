// JSON errors the way Letta's clients read them: `{detail, code, message}` with the status of the error's
// code. Bad input never becomes a 500; only unexpected failures do, and they say so without leaking stacks.
import type { Context } from "hono";
import { z } from "zod";
import { type ErrorCode, LmosError } from "../errors.ts";
import { ToolError } from "../tools/index.ts";

/** The body of every error response. */
export interface ErrorBody {
  detail: string;
  code: string;
  message: string;
}

// A 409 the client may retry (the agent is busy); every other 409 is permanent and says so, because the
// Letta client retries 409s twice unless told not to.
const RETRYABLE_CONFLICTS = new Set<ErrorCode>(["busy"]);

/** The status and body of an error, for JSON responses and for SSE error frames. */
export function describeError(err: unknown): { status: number; body: ErrorBody; retry: boolean | null } {
  if (LmosError.is(err)) {
    const retry = err.status === 409 ? RETRYABLE_CONFLICTS.has(err.code) : null;
    return { status: err.status, body: { detail: err.message, code: err.code, message: err.message }, retry };
  }
  if (err instanceof z.ZodError) {
    const message = zodMessage(err, "body");
    return { status: 422, body: { detail: message, code: "invalid_argument", message }, retry: null };
  }
  // The tools' input checks (a date that is no date, a bad pattern, …) are written for the model, and the
  // REST routes that share their code pass them on: they are the caller's mistake, never a 500.
  if (err instanceof ToolError) {
    const message = err.message.replace(/^Error: /, "");
    return { status: 422, body: { detail: message, code: "invalid_argument", message }, retry: null };
  }
  const message = "internal server error; the server log has the details";
  return { status: 500, body: { detail: message, code: "internal", message }, retry: null };
}

/** One readable line from a zod error: the first bad field and what is wrong with it. */
export function zodMessage(err: z.ZodError, where: string): string {
  const issue = err.issues[0];
  if (!issue) return `${where}: invalid`;
  const path = issue.path.length ? `${where}.${issue.path.map(String).join(".")}` : where;
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem(s))` : "";
  return `${path}: ${issue.message}${more}`;
}

/** A JSON error response for `err`. */
export function errorResponse(c: Context, err: unknown): Response {
  const { status, body, retry } = describeError(err);
  // An unreachable database is one line per refused request, not a stack each (an outage logs hundreds).
  if (LmosError.is(err) && err.code === "unavailable") console.error("lmos server:", err.message);
  else if (status >= 500) console.error("lmos server:", err);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (retry !== null) headers["x-should-retry"] = String(retry);
  // Nothing was stored and the outage is usually seconds (a database restarting): say when to come back.
  if (LmosError.is(err) && err.code === "unavailable") headers["retry-after"] = "1";
  return c.body(JSON.stringify(body), status as 500, headers);
}

/** Shorthand for throwing a coded error from a route. */
export function fail(code: ErrorCode, message: string): never {
  throw new LmosError(code, message);
}
