// Letta's /v1/mcp-servers shapes: the create/update bodies (a `config` per transport) and the server objects
// answered. Secrets (auth token, env values) are never sent back: they show as a mask, and a mask sent
// back in an update keeps the stored value.
import { z } from "zod";
import type { McpServerInput } from "../../runtime/types.ts";
import type { McpServerRecord } from "../../store/types.ts";
import { opt } from "../schemas/common.ts";

/** What a stored secret reads as on the wire. */
export const SECRET_MASK = "********";

const stringMap = z.record(z.string(), z.string());

/** A config of any transport (Letta's create and update McpServer unions, told apart by fields when untyped). */
export const mcpConfigSchema = z.looseObject({
  mcp_server_type: opt(z.enum(["stdio", "sse", "streamable_http"])),
  command: opt(z.string().min(1)),
  args: opt(z.array(z.string())),
  env: opt(stringMap),
  server_url: opt(z.string().min(1)),
  auth_header: opt(z.string()),
  auth_token: opt(z.string()),
  custom_headers: opt(stringMap),
});

export const createMcpServerBody = z.object({
  server_name: z.string().min(1).max(100),
  config: mcpConfigSchema,
});

export const updateMcpServerBody = z.object({
  server_name: opt(z.string().min(1).max(100)),
  config: opt(mcpConfigSchema),
});

type Config = z.infer<typeof mcpConfigSchema>;

function typeOf(config: Config, current?: McpServerRecord): McpServerRecord["type"] {
  if (config.mcp_server_type) return config.mcp_server_type;
  if (config.command) return "stdio";
  if (config.server_url) return current && current.type !== "stdio" ? current.type : "streamable_http";
  return current?.type ?? "streamable_http";
}

const unmask = (v: string | null | undefined, stored: string | null | undefined) =>
  v === SECRET_MASK ? (stored ?? undefined) : (v ?? undefined);

/** The runtime's input (or patch) from a Letta body; `current` is the stored server of an update. */
export function mcpInputOf(name: string, config: Config, current?: McpServerRecord): McpServerInput {
  const type = typeOf(config, current);
  if (type === "stdio") {
    const env = config.env
      ? Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, unmask(v, current?.env[k]) ?? ""]))
      : undefined;
    return {
      name,
      type,
      command: config.command ?? current?.command ?? "",
      args: config.args ?? undefined,
      env,
    };
  }
  return {
    name,
    type,
    url: config.server_url ?? current?.url ?? "",
    authHeader: config.auth_header ?? undefined,
    authToken: unmask(config.auth_token, current?.authToken),
    headers: config.custom_headers ?? undefined,
  };
}

/** StdioMcpServer / StreamableHTTPMcpServer / SseMcpServer. */
export function mcpServerToLetta(s: McpServerRecord): Record<string, unknown> {
  const base = { id: s.id, server_name: s.name, mcp_server_type: s.type };
  if (s.type === "stdio") {
    const env = Object.fromEntries(Object.keys(s.env).map((k) => [k, SECRET_MASK]));
    return { ...base, command: s.command, args: s.args, env };
  }
  return {
    ...base,
    server_url: s.url,
    auth_header: s.authHeader,
    auth_token: s.authToken ? SECRET_MASK : null,
    custom_headers: s.headers,
  };
}
