// /v1/mcp-servers: register MCP servers (stdio command, streamable HTTP, legacy SSE), list and sync their
// tools (stored as external_mcp tools that agents attach), run one directly, refresh, delete.
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import { mcpServerInputSchema, mcpServerPatchSchema, validate } from "../../runtime/index.ts";
import {
  mcpInputOf,
  createMcpServerBody,
  mcpServerToLetta,
  updateMcpServerBody,
} from "../letta/mcp-servers.ts";
import { toolToLetta } from "../letta/records.ts";
import { pathId, toolSchema } from "../schemas/common.ts";
import type { RouteContext } from "./context.ts";
import { projectOf } from "../tenancy/index.ts";

const serverPath = z.object({ mcp_server_id: pathId });
const serverToolPath = z.object({ mcp_server_id: pathId, tool_id: pathId });
const serverSchema = z.looseObject({ id: z.string(), server_name: z.string(), mcp_server_type: z.string() });
const runBody = z.object({ args: z.record(z.string(), z.unknown()).nullish() });
const refreshQuery = z.object({ agent_id: z.string().optional() });

/** Registers the MCP server routes. */
export function mcpServerRoutes({ trusted, table }: RouteContext): void {
  const tag = "mcp-servers";
  // Bodies are checked here with the library's schemas; the trusted API does not check them again.
  const api = trusted.mcpServers;

  table.add(
    {
      method: "post",
      path: "/v1/mcp-servers/",
      tag,
      summary: "Add an MCP server (connects and stores its tools)",
      body: createMcpServerBody,
      response: serverSchema,
    },
    async ({ body }) => {
      const input = validate(mcpServerInputSchema, mcpInputOf(body.server_name, body.config), "server");
      const { server } = await api.create(input);
      return mcpServerToLetta(server);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/mcp-servers/",
      tag,
      summary: "List MCP servers",
      response: z.array(serverSchema),
    },
    async ({ c }) => (await api.list({ project: projectOf(c) })).map(mcpServerToLetta),
  );
  table.add(
    {
      method: "get",
      path: "/v1/mcp-servers/{mcp_server_id}",
      tag,
      summary: "Retrieve an MCP server",
      params: serverPath,
      response: serverSchema,
    },
    async ({ params }) => mcpServerToLetta(await api.get(params.mcp_server_id)),
  );
  table.add(
    {
      method: "patch",
      path: "/v1/mcp-servers/{mcp_server_id}",
      tag,
      summary: "Update an MCP server's name or connection (reconnects on next use)",
      params: serverPath,
      body: updateMcpServerBody,
      response: serverSchema,
    },
    async ({ params, body }) => {
      const current = await api.get(params.mcp_server_id);
      const name = body.server_name ?? current.name;
      const patch = body.config ? mcpInputOf(name, body.config, current) : { name };
      return mcpServerToLetta(await api.update(current.id, validate(mcpServerPatchSchema, patch, "patch")));
    },
  );
  table.add(
    {
      method: "delete",
      path: "/v1/mcp-servers/{mcp_server_id}",
      tag,
      summary: "Delete an MCP server and its tools",
      params: serverPath,
    },
    async ({ c, params }) => {
      await api.delete(params.mcp_server_id);
      return c.body(null, 204);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/mcp-servers/{mcp_server_id}/tools",
      tag,
      summary: "The MCP server's tools (as stored tools, to attach to agents)",
      params: serverPath,
      response: z.array(toolSchema),
    },
    async ({ params }) => (await api.tools(params.mcp_server_id)).map(toolToLetta),
  );
  table.add(
    {
      method: "get",
      path: "/v1/mcp-servers/{mcp_server_id}/tools/{tool_id}",
      tag,
      summary: "One tool of the MCP server",
      params: serverToolPath,
      response: toolSchema,
    },
    async ({ params }) => {
      const tools = await api.tools(params.mcp_server_id);
      const tool = tools.find((t) => t.id === params.tool_id || t.name === params.tool_id);
      if (!tool) {
        throw new LmosError("not_found", `tool ${params.tool_id} is not a tool of this MCP server`);
      }
      return toolToLetta(tool);
    },
  );
  table.add(
    {
      method: "post",
      path: "/v1/mcp-servers/{mcp_server_id}/tools/{tool_id}/run",
      tag,
      summary: "Run one of the MCP server's tools",
      params: serverToolPath,
      body: runBody,
    },
    async ({ params, body }) => {
      const r = await api.run(params.mcp_server_id, params.tool_id, body?.args ?? {});
      return {
        status: r.ok ? "success" : "error",
        func_return: r.text,
        agent_state: null,
        stdout: null,
        stderr: null,
        sandbox_config_fingerprint: null,
      };
    },
  );
  table.add(
    {
      method: "patch",
      path: "/v1/mcp-servers/{mcp_server_id}/refresh",
      tag,
      summary: "List the server's tools again and bring the stored ones in line",
      params: serverPath,
      query: refreshQuery,
    },
    async ({ params }) => {
      const r = await api.refresh(params.mcp_server_id);
      return {
        added: r.added,
        updated: r.updated,
        deleted: r.removed,
        ...(r.error ? { error: r.error } : {}),
      };
    },
  );
}
