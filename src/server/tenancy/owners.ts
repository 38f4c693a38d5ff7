// Which project a resource id belongs to. Agents, blocks, tools, folders (sources), MCP servers and groups
// carry their own owner (Store.resourceProjects; none: the default project); messages, runs, steps,
// passages and schedules belong through their agent, files through their folder.
import { DEFAULT_PROJECT } from "../../store/index.ts";
import type { Lmos } from "../../runtime/types.ts";

/** Kinds that have an owner row of their own. */
const OWNED = new Set(["agent", "block", "tool", "source", "mcp_server", "group"]);
const KINDS = [...OWNED, "file", "run", "step", "message", "passage", "scheduled_message"];

/** A lmos id: a known prefix and a UUID. */
export const ID = new RegExp(
  `^(${KINDS.join("|")})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
);

export const kindOf = (id: string): string | null => ID.exec(id)?.[1] ?? null;
export const isOwnedKind = (id: string): boolean => OWNED.has(kindOf(id) ?? "");

/** Sentinel owners: a built-in tool (every project may read and attach it), a dependent record (run,
 * message, ...) that does not exist. */
export const SHARED = "\u0000shared";
export const MISSING = "\u0000missing";

const BUILT_IN = (toolType: string) => toolType !== "custom" && toolType !== "external_mcp";

/** The owner of each id (a project name, SHARED or MISSING). `strict`: an unclaimed tool id is looked up,
 * and reads SHARED when it is built in (a project key's request needs that; the default project's does not). */
export async function ownersOf(lmos: Lmos, ids: string[], strict: boolean): Promise<Map<string, string>> {
  const { store } = lmos;
  const out = new Map<string, string>();
  // Dependent ids first: each becomes the id of its parent, whose owner is then read with the others.
  const parentOf = new Map<string, string>();
  for (const id of ids) {
    const kind = kindOf(id);
    let parent: string | null | undefined = id;
    if (kind === "run") parent = (await store.getRun(id))?.agentId;
    else if (kind === "message") parent = (await store.getMessages([id]))[0]?.agentId;
    else if (kind === "passage") parent = (await store.getPassages([id]))[0]?.agentId;
    else if (kind === "file") parent = (await store.getFile(id))?.sourceId;
    else if (kind === "scheduled_message") parent = (await store.getSchedule(id))?.agentId;
    else if (kind === "step") parent = (await lmos.runs.trace(id))?.agentId;
    if (parent) parentOf.set(id, parent);
    else out.set(id, MISSING);
  }
  const claimed = await store.resourceProjects([...new Set(parentOf.values())]);
  for (const [id, parent] of parentOf) {
    let owner = claimed.get(parent);
    if (owner === undefined && strict) owner = await unclaimed(lmos, parent);
    out.set(id, owner ?? DEFAULT_PROJECT);
  }
  return out;
}

/** The owner of an id with no owner row: a built-in tool is SHARED; anything else is the default
 * project's (or unknown, which a project key may not tell apart from it). */
async function unclaimed(lmos: Lmos, id: string): Promise<string> {
  if (kindOf(id) !== "tool") return DEFAULT_PROJECT;
  const tool = await lmos.store.getTool(id);
  return tool && BUILT_IN(tool.toolType) ? SHARED : DEFAULT_PROJECT;
}
