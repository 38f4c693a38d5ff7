// /v1/agents: create, list (filters and cursor paging), retrieve, modify, delete, recompile.
import { z } from "zod";
import { createAgentSchema, updateAgentSchema, validate } from "../../runtime/index.ts";
import type { AgentView } from "../../runtime/types.ts";
import { agentToLetta } from "../letta/agent-state.ts";
import { pageArray } from "../paging.ts";
import { createAgentBody, listAgentsQuery, retrieveAgentQuery, updateAgentBody } from "../schemas/agents.ts";
import { agentPath, agentStateSchema, deletedSchema } from "../schemas/common.ts";
import { recompileQuery } from "../schemas/messages.ts";
import { createAgentInput, updateAgentInput } from "./agent-input.ts";
import { agentState, deleted, type RouteContext } from "./context.ts";
import { projectOf } from "../tenancy/index.ts";

// Agents are few; a text query is answered by filtering them all (the store has no text index on names).
const QUERY_TEXT_SCAN = 100_000;

function matchesText(view: AgentView, text: string): boolean {
  const t = text.toLowerCase();
  return (
    view.record.name.toLowerCase().includes(t) || (view.record.description ?? "").toLowerCase().includes(t)
  );
}

/** Registers the agent routes. */
export function agentRoutes({ lmos, trusted, table }: RouteContext): void {
  const tag = "agents";

  table.add(
    {
      method: "post",
      path: "/v1/agents/",
      tag,
      summary: "Create an agent",
      body: createAgentBody,
      response: agentStateSchema,
    },
    async ({ body }) => {
      const handle = await trusted.agents.create(
        validate(createAgentSchema, createAgentInput(body), "agent"),
      );
      return agentToLetta(await handle.state());
    },
  );

  table.add(
    {
      method: "get",
      path: "/v1/agents/",
      tag,
      summary: "List agents",
      query: listAgentsQuery,
      response: z.array(agentStateSchema),
    },
    async ({ c, query }) => {
      const filter = {
        name: query.name,
        tags: query.tags,
        matchAllTags: query.match_all_tags,
        project: projectOf(c),
      };
      if (!query.query_text) {
        const views = await lmos.agents.list({
          ...filter,
          limit: query.limit,
          after: query.after,
          before: query.before,
          order: query.order,
        });
        return views.map(agentToLetta);
      }
      const all = await lmos.agents.list({ ...filter, limit: QUERY_TEXT_SCAN, order: query.order });
      const hits = all.filter((v) => matchesText(v, query.query_text ?? "")).map(agentToLetta);
      return pageArray(hits as Array<{ id: string }>, query);
    },
  );

  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}",
      tag,
      summary: "Retrieve an agent",
      params: agentPath,
      query: retrieveAgentQuery,
      response: agentStateSchema,
    },
    ({ params }) => agentState(lmos, params.agent_id),
  );

  table.add(
    {
      method: "patch",
      path: "/v1/agents/{agent_id}",
      tag,
      summary: "Modify an agent",
      params: agentPath,
      body: updateAgentBody,
      response: agentStateSchema,
    },
    async ({ params, body }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const patch = validate(updateAgentSchema, updateAgentInput(body), "patch");
      if (Object.keys(patch).length) await trusted.agents.update(handle.id, patch);
      const view = await handle.state();
      if (body.tool_ids) {
        const want = new Set(body.tool_ids);
        for (const t of view.tools) if (!want.has(t.id)) await handle.tools.detach(t.id);
        for (const id of want) if (!view.tools.some((t) => t.id === id)) await handle.tools.attach(id);
      }
      if (body.block_ids) {
        const want = new Set(body.block_ids);
        for (const b of view.blocks) if (!want.has(b.id)) await handle.memory.detach(b.id);
        for (const id of want) if (!view.blocks.some((b) => b.id === id)) await handle.memory.attach(id);
      }
      const folders = body.folder_ids ?? body.source_ids;
      if (folders) {
        const want = new Set(folders);
        for (const s of view.sources) if (!want.has(s.id)) await lmos.sources.detach(s.id, handle.id);
        for (const id of want)
          if (!view.sources.some((s) => s.id === id)) await lmos.sources.attach(id, handle.id);
      }
      return agentToLetta(await handle.state());
    },
  );

  table.add(
    {
      method: "delete",
      path: "/v1/agents/{agent_id}",
      tag,
      summary: "Delete an agent",
      params: agentPath,
      response: deletedSchema,
    },
    async ({ params }) => {
      const handle = await lmos.agents.get(params.agent_id);
      await lmos.agents.delete(handle.id);
      return deleted("Agent", handle.id);
    },
  );

  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/context",
      tag,
      summary:
        "What fills the context window (Letta's ContextWindowOverview, token counts; plus open files and pressure thresholds)",
      params: agentPath,
      response: z.looseObject({
        context_window_size_max: z.number(),
        context_window_size_current: z.number(),
      }),
    },
    async ({ params }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const [ctx, view] = await Promise.all([handle.context(), handle.state()]);
      return {
        context_window_size_max: ctx.contextWindow,
        context_window_size_current: ctx.total,
        num_messages: ctx.inContextMessages,
        num_archival_memory: ctx.archivalPassages,
        num_recall_memory: ctx.recallMessages,
        num_tokens_external_memory_summary: 0,
        external_memory_summary: "",
        num_tokens_system: ctx.system,
        system_prompt: ctx.systemPrompt,
        num_tokens_core_memory: ctx.coreMemory,
        core_memory: view.blocks.map((b) => `<${b.label}>\n${b.value}\n</${b.label}>`).join("\n"),
        num_tokens_summary_memory: ctx.summary,
        summary_memory: view.record.summary || null,
        num_tokens_functions_definitions: ctx.tools,
        functions_definitions: view.tools.map((t) => ({ type: "function", function: t.jsonSchema })),
        num_tokens_messages: ctx.messages,
        // lmos additions (not in Letta's overview): the open files section, counted apart from core memory,
        // and the memory-pressure thresholds the kernel applies to context_window_size_current.
        num_tokens_files: ctx.files,
        num_tokens_warn_threshold: ctx.warnAt,
        num_tokens_evict_threshold: ctx.evictAt,
      };
    },
  );

  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/recompile",
      tag,
      summary: "The compiled system prompt (core memory and metadata rendered in)",
      params: agentPath,
      query: recompileQuery,
      response: z.string(),
    },
    async ({ params }) => {
      const handle = await lmos.agents.get(params.agent_id);
      return (await handle.context()).systemPrompt;
    },
  );
}
