// Ids carry Letta's prefixes so they read the same on the wire: agent-…, message-…, and so on. The UUID
// is version 7 (time-ordered): ids made one after another sort together, so every index keyed by an id
// appends at its tail instead of touching a random page per insert (a step commit wrote 27.7 WAL pages
// with random v4 ids; see BENCHMARKS.md).
import { v7 as uuidv7 } from "uuid";

/** The kinds of things lmos names with a prefixed id ("call" for tool calls the kernel names itself). */
export type IdPrefix =
  | "agent"
  | "block"
  | "message"
  | "passage"
  | "tool"
  | "source"
  | "file"
  | "run"
  | "step"
  | "call";

/** A fresh id such as `agent-019a…` (prefix + time-ordered UUID v7). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${uuidv7()}`;
}

/** The current time as ISO-8601 UTC with milliseconds, the format every stored timestamp uses. */
export function nowIso(): string {
  return new Date().toISOString();
}
