// How the CLI fails: one line a user can act on, and an exit code (0 ok, 1 runtime failure, 2 usage error).
import { CommanderError } from "commander";
import { z } from "zod";
import { LmosError } from "../errors.ts";

/** A mistake in how the command was called (bad flag value, missing input): exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const MODEL_HINT =
  "; pick the model with LMOS_MODEL or --model (e.g. openai/gpt-4o-mini, or ollama/llama3.1 with OPENAI_BASE_URL=http://localhost:11434/v1)";

/** The exit code for an error that ended the command. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || e instanceof z.ZodError) return 2;
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
    if (e.code === "commander.help") return e.exitCode === 0 ? 0 : 2;
    return 2;
  }
  return 1;
}

/** The single line printed for an error (no stack trace). */
export function errorLine(e: unknown): string {
  const first = (s: string) => s.split("\n")[0]?.trim() || "unknown error";
  if (LmosError.is(e)) {
    return `error: ${first(e.message)}${e.code === "no_provider" && !/LMOS_MODEL/.test(e.message) ? MODEL_HINT : ""}`;
  }
  if (e instanceof UsageError) return `error: ${first(e.message)} (see --help)`;
  // An option checked by a schema: its message is a JSON dump of the issues, whose first line is "[".
  if (e instanceof z.ZodError) {
    const issues = e.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
    return `error: ${issues.join("; ")} (see --help)`;
  }
  if (e instanceof Error) return `error: ${first(e.message)}`;
  return `error: ${first(String(e))}`;
}
