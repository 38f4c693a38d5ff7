// /v1/tools (custom tools from source: create, upsert, list, retrieve, modify, delete) and an agent's tools.
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import { toolUpsertSchema, validate } from "../../runtime/index.ts";
import type { Lmos } from "../../runtime/types.ts";
import type { ToolSandboxSettings } from "../../store/types.ts";
import { toolToLetta } from "../letta/records.ts";
import { agentPath, agentStateSchema, deletedSchema, toolPath, toolSchema } from "../schemas/common.ts";
import {
  agentToolNamePath,
  agentToolPath,
  approvalBody,
  approvalQuery,
  listToolsQuery,
  toolBody,
  updateToolBody,
} from "../schemas/tools-folders.ts";
import { agentState, deleted, type RouteContext } from "./context.ts";
import { projectOf } from "../tenancy/index.ts";

type ToolBody = z.infer<typeof toolBody>;

function upsertInput(body: ToolBody, project: string): Parameters<Lmos["tools"]["upsert"]>[0] {
  return {
    sourceCode: body.source_code,
    project,
    ...(body.source_type ? { sourceType: body.source_type } : {}),
    ...(body.json_schema ? { jsonSchema: body.json_schema } : {}),
    ...(body.description ? { description: body.description } : {}),
    ...(body.tags ? { tags: body.tags } : {}),
    ...(body.return_char_limit ? { returnCharLimit: body.return_char_limit } : {}),
    ...(body.sandbox !== undefined ? { sandbox: sandboxOf(body.sandbox) } : {}),
    ...(typeof body.default_requires_approval === "boolean"
      ? { defaultRequiresApproval: body.default_requires_approval }
      : {}),
  };
}

function sandboxOf(s: ToolBody["sandbox"]): ToolSandboxSettings | null {
  if (!s) return null;
  const out: ToolSandboxSettings = {};
  if (s.timeout_ms != null) out.timeoutMs = s.timeout_ms;
  if (s.memory_mb != null) out.memoryMb = s.memory_mb;
  if (s.network != null) out.network = s.network;
  if (s.allowed_hosts != null) out.allowedHosts = s.allowed_hosts;
  if (s.filesystem !== undefined) {
    out.filesystem = s.filesystem && { path: s.filesystem.path, mode: s.filesystem.mode ?? "ro" };
  }
  return out;
}

/** Registers the tool routes. */
export function toolRoutes({ lmos, trusted, table }: RouteContext): void {
  const tag = "tools";

  table.add(
    {
      method: "post",
      path: "/v1/tools/",
      tag,
      summary: "Create a tool from source",
      body: toolBody,
      response: toolSchema,
    },
    async ({ c, body }) => {
      const name = body.json_schema?.name;
      if (typeof name === "string" && (await lmos.tools.list({ name })).some((t) => t.name === name)) {
        throw new LmosError(
          "conflict",
          `a tool named "${name}" already exists; use PUT /v1/tools/ to update it`,
        );
      }
      return toolToLetta(
        await trusted.tools.upsert(validate(toolUpsertSchema, upsertInput(body, projectOf(c)), "tool")),
      );
    },
  );
  table.add(
    {
      method: "put",
      path: "/v1/tools/",
      tag,
      summary: "Create or update a tool by name",
      body: toolBody,
      response: toolSchema,
    },
    async ({ c, body }) =>
      toolToLetta(
        await trusted.tools.upsert(validate(toolUpsertSchema, upsertInput(body, projectOf(c)), "tool")),
      ),
  );
  table.add(
    {
      method: "get",
      path: "/v1/tools/",
      tag,
      summary: "List tools",
      query: listToolsQuery,
      response: z.array(toolSchema),
    },
    async ({ c, query }) => {
      const list = await lmos.tools.list({
        project: projectOf(c),
        name: query.name,
        limit: query.limit,
        after: query.after,
        before: query.before,
        order: query.order,
      });
      const names = query.names ? new Set(query.names) : null;
      const search = query.search?.toLowerCase();
      return list
        .filter((t) => !names || names.has(t.name))
        .filter(
          (t) =>
            !search || t.name.toLowerCase().includes(search) || t.description.toLowerCase().includes(search),
        )
        .map(toolToLetta);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/tools/{tool_id}",
      tag,
      summary: "Retrieve a tool",
      params: toolPath,
      response: toolSchema,
    },
    async ({ params }) => toolToLetta(await lmos.tools.get(params.tool_id)),
  );
  table.add(
    {
      method: "patch",
      path: "/v1/tools/{tool_id}",
      tag,
      summary: "Modify a custom tool",
      params: toolPath,
      body: updateToolBody,
      response: toolSchema,
    },
    async ({ params, body }) => {
      const current = await lmos.tools.get(params.tool_id);
      if (current.toolType === "external_mcp") {
        throw new LmosError(
          "conflict",
          `"${current.name}" is a tool of an MCP server: change it on that server, then PATCH /v1/mcp-servers/{id}/refresh`,
        );
      }
      if (current.toolType !== "custom") {
        throw new LmosError("conflict", `"${current.name}" is a built-in tool and cannot be modified`);
      }
      const sourceChanged = body.source_code != null && body.source_code !== current.sourceCode;
      const jsonSchema = body.json_schema ?? (sourceChanged ? undefined : current.jsonSchema);
      const input = {
        sourceCode: body.source_code ?? current.sourceCode ?? "",
        sourceType: body.source_type ?? current.sourceType ?? undefined,
        ...(jsonSchema ? { jsonSchema } : {}),
        description: body.description ?? current.description,
        tags: body.tags ?? current.tags,
        ...(body.return_char_limit ? { returnCharLimit: body.return_char_limit } : {}),
        ...(body.sandbox !== undefined ? { sandbox: sandboxOf(body.sandbox) } : {}),
        ...(typeof body.default_requires_approval === "boolean"
          ? { defaultRequiresApproval: body.default_requires_approval }
          : {}),
      };
      const updated = await trusted.tools.upsert(validate(toolUpsertSchema, input, "tool"));
      if (updated.id !== current.id) {
        throw new LmosError(
          "invalid_argument",
          "body.source_code: renaming a tool is not supported; create a new tool",
        );
      }
      return toolToLetta(updated);
    },
  );
  table.add(
    {
      method: "delete",
      path: "/v1/tools/{tool_id}",
      tag,
      summary: "Delete a custom tool",
      params: toolPath,
      response: deletedSchema,
    },
    async ({ params }) => {
      await lmos.tools.delete(params.tool_id);
      return deleted("Tool", params.tool_id);
    },
  );

  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/tools",
      tag,
      summary: "List an agent's tools",
      params: agentPath,
      response: z.array(toolSchema),
    },
    async ({ params }) => (await (await lmos.agents.get(params.agent_id)).tools.list()).map(toolToLetta),
  );
  table.add(
    {
      method: "patch",
      path: "/v1/agents/{agent_id}/tools/approval/{tool_name}",
      tag,
      summary: "Whether calls of this tool wait for a human's approval (a requires_approval tool rule)",
      params: agentToolNamePath,
      query: approvalQuery,
      body: approvalBody,
      response: agentStateSchema,
    },
    async ({ params, query, body }) => {
      const flag = body?.requires_approval ?? body?.body_requires_approval ?? query.requires_approval;
      if (typeof flag !== "boolean") {
        throw new LmosError("invalid_argument", "requires_approval must be given in the body or the query");
      }
      const handle = await lmos.agents.get(params.agent_id);
      await handle.tools.setApproval(params.tool_name, flag);
      return agentState(lmos, handle.id);
    },
  );
  for (const action of ["attach", "detach"] as const) {
    table.add(
      {
        method: "patch",
        path: `/v1/agents/{agent_id}/tools/${action}/{tool_id}`,
        tag,
        summary: `${action === "attach" ? "Attach" : "Detach"} a tool`,
        params: agentToolPath,
        response: agentStateSchema,
      },
      async ({ params }) => {
        const handle = await lmos.agents.get(params.agent_id);
        await handle.tools[action](params.tool_id);
        return agentState(lmos, handle.id);
      },
    );
  }
}
