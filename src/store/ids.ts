// Ids carry Letta's prefixes so they read the same on the wire: agent-…, message-…, and so on.

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

/** A fresh id such as `agent-5f0c…` (prefix + random UUID). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** The current time as ISO-8601 UTC with milliseconds, the format every stored timestamp uses. */
export function nowIso(): string {
  return new Date().toISOString();
}
