// Ids carry Letta's prefixes so they read the same on the wire: agent-…, message-…, and so on. The UUID
// is version 7 (time-ordered): ids made one after another sort together, so every index keyed by an id
// appends at its tail instead of touching a random page per insert (with random v4 ids, among other
// causes, a step commit wrote 28.7 WAL pages; now 16.6: `npm run bench -- commit`, BENCHMARKS.md).

/** A UUID v7: the 48-bit millisecond time, then the random bits of Node's pooled randomUUID(). Written
 * here because the `uuid` package's v7 draws fresh random bytes per call (its randomFillSync showed in
 * the server's CPU profile, `npm run bench -- server --profile`); ids of one millisecond are not ordered among
 * themselves, which keeps index locality (they share the prefix) and needs no counter. */
export function uuidv7(now = Date.now()): string {
  const time = now.toString(16).padStart(12, "0");
  // randomUUID() is xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: keep from the version digit on, set it to 7.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${crypto.randomUUID().slice(15)}`;
}

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
  | "mcp_server"
  | "job"
  | "scheduled_message"
  | "group"
  | "key"
  | "call";

/** A fresh id such as `agent-019a…` (prefix + time-ordered UUID v7). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${uuidv7()}`;
}

/** The current time as ISO-8601 UTC with milliseconds, the format every stored timestamp uses. */
export function nowIso(): string {
  return new Date().toISOString();
}
