// Isolation of projects, done once for every route by the route table: before a handler runs, every id in
// its path and its JSON body is resolved to its owner, and another project's id is answered 404 exactly
// like an unknown one (a project key cannot tell them apart); a read key may only read. After a project
// key's handler, the resources the request made are claimed for its project, and every resource in the
// answer shows its project_id (Letta's field).
import type { Context } from "hono";
import { LmosError } from "../../errors.ts";
import type { Lmos } from "../../runtime/types.ts";
import { DEFAULT_PROJECT } from "../../store/index.ts";
import { ID, isOwnedKind, kindOf, MISSING, ownersOf, SHARED } from "./owners.ts";
import { type Principal, principalOf } from "./principal.ts";

// Body fields that name a resource: a project key must name it by id (names are looked up across projects).
const REF_KEY = /(^|_)(agent|block|tool|source|folder|file|group|mcp_server|run|step|passage|message)_ids?$/;

/** What the guard reads of a route (route-table.ts's RouteDef). */
interface RouteDef {
  method: string;
  path: string;
  readOnly?: boolean;
}

/** The ids (and, for a project key, the names where an id belongs) a request refers to. */
function references(
  def: RouteDef,
  params: unknown,
  body: unknown,
  strict: boolean,
): {
  ids: Set<string>;
  names: string[];
} {
  const ids = new Set<string>();
  const names: string[] = [];
  for (const [key, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
    if (typeof value !== "string") continue;
    if (ID.test(value)) ids.add(value);
    // An MCP server's tools are also addressed by their MCP name, under a server checked here already.
    else if (strict && key.endsWith("_id") && !(key === "tool_id" && def.path.startsWith("/v1/mcp-servers/")))
      names.push(value);
  }
  const walk = (v: unknown, key: string, depth: number): void => {
    if (depth > 64) return;
    if (typeof v === "string") {
      if (ID.test(v)) ids.add(v);
      else if (strict && REF_KEY.test(key)) names.push(v);
    } else if (Array.isArray(v)) for (const x of v) walk(x, key, depth + 1);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
  };
  walk(body, "", 0);
  return { ids, names };
}

const notFound = (what: string) => new LmosError("not_found", `${what} not found`);

/** The project checks of the route table. */
export class ProjectGuard {
  constructor(private readonly lmos: Lmos) {}

  /** Refuses the request (403 for a read key's write, 404 for another project's id) or lets it through. */
  async admit(c: Context, def: RouteDef, params: unknown, body: unknown): Promise<Principal> {
    const who = principalOf(c);
    if (who.scope === "read" && def.method !== "get" && !def.readOnly) {
      throw new LmosError(
        "forbidden",
        `this API key has the read scope: ${def.method.toUpperCase()} ${def.path} changes state and needs a full key (\`lmos keys create --scope full\`)`,
      );
    }
    const strict = who.project !== DEFAULT_PROJECT;
    const { ids, names } = references(def, params, body, strict);
    if (names.length) throw notFound(names[0]);
    if (strict) await this.checkToolNames(who.project, body);
    if (!ids.size) return who;
    const owners = await ownersOf(this.lmos, [...ids], strict);
    for (const [id, owner] of owners) {
      if (owner === who.project) continue;
      if (owner === MISSING && !strict) continue; // the route answers an unknown id itself
      if (owner === SHARED) {
        if (def.method === "get" || !def.path.startsWith("/v1/tools/")) continue;
        throw new LmosError(
          "forbidden",
          `tool ${id} is built in and shared by every project: only the default project may change it`,
        );
      }
      throw notFound(`${kindOf(id)?.replace("source", "folder")} ${id}`);
    }
    return who;
  }

  /** The tools a body names in `tools` (an agent's tools by name) must be the project's or built in, so a
   * project key cannot attach another project's custom tool by its name (404 naming the name only). */
  private async checkToolNames(project: string, body: unknown): Promise<void> {
    const names = (body as { tools?: unknown } | null)?.tools;
    if (!Array.isArray(names)) return;
    for (const name of names) {
      if (typeof name !== "string") continue;
      const tool = await this.lmos.store.getToolByName(name);
      if (!tool) continue; // the route answers an unknown name itself
      const owner = (await ownersOf(this.lmos, [tool.id], true)).get(tool.id);
      if (owner !== project && owner !== SHARED) throw notFound(`tool "${name}"`);
    }
  }

  /** After the handler: claims what a project key's request made, then marks each resource's project. */
  async finish(who: Principal, startedMs: number, out: unknown): Promise<void> {
    const made = new Set<string>();
    const resources: Array<Record<string, unknown>> = [];
    const claiming = who.project !== DEFAULT_PROJECT;
    // Any id in the answer (an object's id, or a list such as the import's agent_ids) minted during this
    // request names a resource the request made.
    const walk = (v: unknown, depth: number): void => {
      if (depth > 64 || !v) return;
      if (typeof v === "string") {
        if (claiming && isOwnedKind(v) && createdSince(v, startedMs)) made.add(v);
        return;
      }
      if (typeof v !== "object") return;
      if (Array.isArray(v)) {
        for (const x of v) walk(x, depth + 1);
        return;
      }
      const o = v as Record<string, unknown>;
      if (typeof o.id === "string" && isOwnedKind(o.id)) resources.push(o);
      for (const x of Object.values(o)) walk(x, depth + 1);
    };
    walk(out, 0);
    if (made.size) await this.lmos.store.claimResources([...made], who.project);
    if (!resources.length) return;
    const owners =
      who.project === DEFAULT_PROJECT
        ? new Map()
        : await this.lmos.store.resourceProjects(resources.map((r) => r.id as string));
    for (const r of resources) r.project_id = owners.get(r.id as string) ?? DEFAULT_PROJECT;
  }
}

/** Whether a UUID v7 id was minted at or after `ms` (its first 48 bits are the time): a resource this
 * request made, not one it only names. */
function createdSince(id: string, ms: number): boolean {
  const hex = id.slice(-36).replace(/-/g, "");
  if (hex[12] !== "7") return false;
  return Number.parseInt(hex.slice(0, 12), 16) >= ms;
}
