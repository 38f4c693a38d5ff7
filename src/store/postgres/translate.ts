// Maps PostgreSQL errors to the typed errors the server turns into 404/409/503-like answers.
import { LmosError } from "../../errors.ts";

// Connection-level failures (server down, restarting, network): PostgreSQL's class 08 and 57P,
// or node's socket errors.
const UNAVAILABLE = /^(08|57P)/;
const SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"]);

/** The LmosError for a constraint failure or an unreachable database; any other error unchanged. */
export function translate(e: unknown): unknown {
  if (e instanceof LmosError) return e;
  const code = (e as { code?: string })?.code ?? "";
  const detail = (e as Error)?.message ?? String(e);
  if (code === "23503") {
    return new LmosError(
      "not_found",
      `a referenced agent, block, tool, source or file does not exist (${detail})`,
      { cause: e },
    );
  }
  if (code === "23505") {
    return new LmosError("conflict", `an item with that id or name already exists (${detail})`, { cause: e });
  }
  if (
    UNAVAILABLE.test(code) ||
    SOCKET.has(code) ||
    /Connection terminated|timeout exceeded when trying to connect|not queryable/i.test(detail)
  ) {
    return new LmosError(
      "unavailable",
      `the PostgreSQL database is unreachable (${detail}): nothing was stored; try again`,
      {
        cause: e,
      },
    );
  }
  return e;
}
