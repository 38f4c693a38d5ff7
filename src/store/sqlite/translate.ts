// Maps SQLite constraint failures to the typed errors the server turns into 404/409.
import { LmosError } from "../../errors.ts";

/** The LmosError for a SQLite constraint failure; any other error unchanged. */
export function translate(e: unknown): unknown {
  const code = (e as { code?: string })?.code;
  const detail = (e as Error)?.message ?? String(e);
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    return new LmosError(
      "not_found",
      `a referenced agent, block, tool, source or file does not exist (${detail})`,
      {
        cause: e,
      },
    );
  }
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
    return new LmosError("conflict", `an item with that id or name already exists (${detail})`, { cause: e });
  }
  return e;
}
