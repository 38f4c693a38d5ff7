// An MCP server's tool as lmos stores it (a ToolRecord of type external_mcp, Letta's shape) and runs it:
// the definition validates the model's arguments against the tool's own JSON Schema, then calls the
// server through the shared connections; a failed call is a ToolError, i.e. a failed result the model sees.
import { z } from "zod";
import type { McpServerRecord, ToolRecord } from "../../store/types.ts";
import { type ToolDefinition, ToolError } from "../types.ts";
import type { McpConnections, McpToolInfo } from "./connections.ts";

/** Letta's MCP_TOOL_TAG_NAME_PREFIX: tools are tagged `mcp:<server name>`, metadata_ keyed `mcp`. */
export const MCP_TAG_PREFIX = "mcp";

/** Where a stored MCP tool comes from (metadata_.mcp). */
export interface McpToolOrigin {
  server_id: string;
  server_name: string;
  /** The name on the server (the stored name is the same; kept in case a later version maps names). */
  tool_name: string;
}

/** The origin of an external_mcp tool record, or null for any other tool. */
export function mcpOrigin(record: Pick<ToolRecord, "toolType" | "metadata">): McpToolOrigin | null {
  if (record.toolType !== "external_mcp") return null;
  const m = record.metadata?.[MCP_TAG_PREFIX] as Partial<McpToolOrigin> | undefined;
  if (!m || typeof m.server_id !== "string") return null;
  return {
    server_id: m.server_id,
    server_name: String(m.server_name ?? ""),
    tool_name: String(m.tool_name ?? ""),
  };
}

// Providers accept only these function names (OpenAI: ^[a-zA-Z0-9_-]{1,64}$).
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Why a listed MCP tool cannot become an lmos tool, or null when it can. */
export function unusableReason(tool: McpToolInfo): string | null {
  if (!FUNCTION_NAME.test(tool.name))
    return "its name is not a valid function name (letters, digits, _ and -, at most 64)";
  if (tool.inputSchema.type !== undefined && tool.inputSchema.type !== "object")
    return "its input schema is not an object";
  return null;
}

/** The tool record fields of a listed MCP tool (id and timestamps are the caller's). */
export function mcpToolFields(server: McpServerRecord, tool: McpToolInfo) {
  const parameters = { type: "object", properties: {}, ...tool.inputSchema };
  const origin: McpToolOrigin = { server_id: server.id, server_name: server.name, tool_name: tool.name };
  return {
    name: tool.name,
    description: tool.description,
    jsonSchema: { name: tool.name, description: tool.description, parameters },
    sourceCode: null,
    sourceType: null,
    toolType: "external_mcp",
    tags: [`${MCP_TAG_PREFIX}:${server.name}`],
    metadata: { [MCP_TAG_PREFIX]: origin },
  };
}

// JSON Schema → zod, so arguments are checked (and errors worded) as for every other tool. A schema zod
// cannot read still works: the server validates what it gets.
function argumentsSchema(parameters: unknown): z.ZodType {
  try {
    return z.fromJSONSchema(parameters as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return z.looseObject({});
  }
}

export interface McpToolDeps {
  connections: McpConnections;
  /** The server record by id (null: deleted). */
  server(id: string): Promise<McpServerRecord | null>;
  /** Per-call timeout override (ms); the connections' default otherwise. */
  timeoutMs?: number;
}

/** Builds the definitions of stored MCP tools (memoised per record version: built once, not per step). */
export function mcpToolDefinitions(deps: McpToolDeps): (record: ToolRecord) => ToolDefinition | null {
  const cache = new Map<string, ToolDefinition>();
  return (record) => {
    const origin = mcpOrigin(record);
    if (!origin) return null;
    const key = `${record.id}|${record.updatedAt}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const parameters = (record.jsonSchema as { parameters?: unknown }).parameters ?? { type: "object" };
    const def: ToolDefinition = {
      name: record.name,
      description: record.description,
      schema: argumentsSchema(parameters),
      toolType: "external_mcp",
      async run(args, ctx) {
        const server = await deps.server(origin.server_id);
        if (!server)
          throw new ToolError(`Error: the MCP server "${origin.server_name}" of ${record.name} was removed`);
        const result = await deps.connections.callTool(
          server,
          origin.tool_name || record.name,
          (args ?? {}) as Record<string, unknown>,
          { timeoutMs: deps.timeoutMs, signal: ctx.signal },
        );
        if (!result.ok) throw new ToolError(`Error: ${result.text}`);
        return result.text;
      },
    };
    if (cache.size > 2_000) cache.clear();
    cache.set(key, def);
    return def;
  };
}
