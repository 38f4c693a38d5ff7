// lmos.mcpServers: MCP servers lmos uses as a client. Registering one connects to it and stores each of its
// tools as a tool of type external_mcp (Letta's shape: tag `mcp:<server>`, metadata_.mcp), which agents
// attach like any tool; refresh brings the stored tools in line with what the server lists now.
import { z } from "zod";
import { found, LmosError } from "../errors.ts";
import { newId, nowIso } from "../store/index.ts";
import type { McpServerRecord, Store, ToolRecord } from "../store/types.ts";
import { type McpConnections, mcpOrigin, mcpToolFields, mcpUnusableReason } from "../tools/index.ts";
import type { McpServerInput, McpServersApi, McpSyncReport } from "./types.ts";
import { type Check, labelSchema, validate } from "./validate.ts";

const RETURN_CHAR_LIMIT = 50_000;

const name = labelSchema;
const stringMap = z.record(z.string(), z.string());
const url = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL");

/** An MCP server's input (lmos.mcpServers.create), and what an update's patch merged with the stored server must be. */
export const mcpServerInputSchema = z.discriminatedUnion("type", [
  z.object({
    name,
    type: z.literal("stdio"),
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    env: stringMap.optional(),
  }),
  z.object({
    name,
    type: z.enum(["streamable_http", "sse"]),
    url,
    authHeader: z.string().min(1).optional(),
    authToken: z.string().optional(),
    headers: stringMap.optional(),
  }),
]);

/** An MCP server patch (lmos.mcpServers.update). */
export const mcpServerPatchSchema = z.object({
  name: name.optional(),
  type: z.enum(["stdio", "streamable_http", "sse"]).optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  url: url.optional(),
  authHeader: z.string().min(1).optional(),
  authToken: z.string().optional(),
  headers: stringMap.optional(),
});

function recordOf(input: McpServerInput, id: string, now: string): McpServerRecord {
  const base = { id, name: input.name, type: input.type, createdAt: now, updatedAt: now };
  if (input.type === "stdio") {
    return {
      ...base,
      command: input.command,
      args: input.args ?? [],
      env: input.env ?? {},
      url: null,
      authHeader: null,
      authToken: null,
      headers: {},
    };
  }
  return {
    ...base,
    command: null,
    args: [],
    env: {},
    url: input.url,
    authHeader: input.authHeader ?? (input.authToken ? "Authorization" : null),
    authToken: input.authToken ?? null,
    headers: input.headers ?? {},
  };
}

/** The stored tools of a server. */
async function serverTools(store: Store, serverId: string): Promise<ToolRecord[]> {
  const all = await store.listTools({});
  return all.filter((t) => mcpOrigin(t)?.server_id === serverId);
}

/** Builds lmos.mcpServers over the store and the shared connections; `check` is how create and update check
 * their input (validate, or trust for the server). */
export function mcpServersApi(store: Store, connections: McpConnections, check: Check): McpServersApi {
  async function resolve(idOrName: string): Promise<McpServerRecord> {
    const byId = idOrName.startsWith("mcp_server-") ? await store.getMcpServer(idOrName) : null;
    return found(byId ?? (await store.getMcpServerByName(idOrName)), `MCP server "${idOrName}"`);
  }

  async function sync(server: McpServerRecord): Promise<McpSyncReport> {
    const stored = await serverTools(store, server.id);
    const report: McpSyncReport = { tools: stored, added: [], updated: [], removed: [] };
    let listed: Awaited<ReturnType<McpConnections["listTools"]>>;
    try {
      listed = await connections.listTools(server);
    } catch (e) {
      return { ...report, error: e instanceof Error ? e.message : String(e) };
    }
    const kept: ToolRecord[] = [];
    const skipped: string[] = [];
    for (const tool of listed) {
      const why = mcpUnusableReason(tool);
      const other = await store.getToolByName(tool.name);
      const mine = other && mcpOrigin(other)?.server_id === server.id ? other : null;
      if (why || (other && !mine)) {
        skipped.push(`${tool.name}: ${why ?? "another tool already has this name"}`);
        continue;
      }
      const fields = mcpToolFields(server, tool);
      const same =
        mine &&
        mine.description === fields.description &&
        JSON.stringify(mine.jsonSchema) === JSON.stringify(fields.jsonSchema) &&
        JSON.stringify(mine.metadata) === JSON.stringify(fields.metadata);
      if (mine && same) {
        kept.push(mine);
        continue;
      }
      const now = nowIso();
      const record: ToolRecord = {
        id: mine?.id ?? newId("tool"),
        ...fields,
        returnCharLimit: mine?.returnCharLimit ?? RETURN_CHAR_LIMIT,
        defaultRequiresApproval: mine?.defaultRequiresApproval ?? false,
        createdAt: mine?.createdAt ?? now,
        updatedAt: now,
      };
      kept.push(await store.upsertTool(record));
      (mine ? report.updated : report.added).push(tool.name);
    }
    const listedNames = new Set(listed.map((t) => t.name));
    for (const t of stored) {
      if (listedNames.has(t.name) && kept.some((k) => k.id === t.id)) continue;
      await store.deleteTool(t.id);
      report.removed.push(t.name);
    }
    return { ...report, tools: kept, ...(skipped.length ? { error: `skipped ${skipped.join("; ")}` } : {}) };
  }

  return {
    async create(raw) {
      const input = check(mcpServerInputSchema, raw, "server") as McpServerInput;
      if (await store.getMcpServerByName(input.name)) {
        throw new LmosError("conflict", `an MCP server named "${input.name}" already exists`);
      }
      const server = recordOf(input, newId("mcp_server"), nowIso());
      await store.createMcpServer(server);
      return { server, sync: await sync(server) };
    },
    get: resolve,
    list: (query = {}) => store.listMcpServers(query),
    async update(idOrName, raw) {
      const patch = check(mcpServerPatchSchema, raw ?? {}, "patch");
      const current = await resolve(idOrName);
      if (patch.name && patch.name !== current.name && (await store.getMcpServerByName(patch.name))) {
        throw new LmosError("conflict", `an MCP server named "${patch.name}" already exists`);
      }
      const type = patch.type ?? current.type;
      // Always checked: the patch merged with the stored server is a new value (a stdio server made
      // streamable_http needs its URL), not the caller's input checked again.
      const next = validate(
        mcpServerInputSchema,
        type === "stdio"
          ? {
              name: patch.name ?? current.name,
              type,
              command: patch.command ?? current.command ?? "",
              args: patch.args ?? current.args,
              env: patch.env ?? current.env,
            }
          : {
              name: patch.name ?? current.name,
              type,
              url: patch.url ?? current.url ?? "",
              authHeader: patch.authHeader ?? current.authHeader ?? undefined,
              authToken: patch.authToken ?? current.authToken ?? undefined,
              headers: patch.headers ?? current.headers,
            },
        "server",
      ) as McpServerInput;
      const merged = recordOf(next, current.id, current.createdAt);
      const updated = await store.updateMcpServer(current.id, { ...merged, updatedAt: nowIso() });
      await connections.close(current.id);
      return updated;
    },
    async delete(idOrName) {
      const server = await resolve(idOrName);
      for (const t of await serverTools(store, server.id)) await store.deleteTool(t.id);
      await store.deleteMcpServer(server.id);
      await connections.close(server.id);
    },
    async tools(idOrName) {
      return serverTools(store, (await resolve(idOrName)).id);
    },
    async refresh(idOrName) {
      return sync(await resolve(idOrName));
    },
    async run(idOrName, toolIdOrName, args) {
      const server = await resolve(idOrName);
      const tool = (await serverTools(store, server.id)).find(
        (t) => t.id === toolIdOrName || t.name === toolIdOrName,
      );
      const toolName = tool ? (mcpOrigin(tool)?.tool_name ?? tool.name) : toolIdOrName;
      if (!tool && toolIdOrName.startsWith("tool-")) {
        throw new LmosError("not_found", `tool ${toolIdOrName} is not a tool of MCP server "${server.name}"`);
      }
      return connections.callTool(server, toolName, args ?? {});
    },
  };
}
