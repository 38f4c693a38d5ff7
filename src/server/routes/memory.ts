// Core memory blocks (agent-scoped by label, and standalone by id) and archival memory passages.
import { z } from "zod";
import { archivalSearchSchema, blockInputSchema, blockPatchSchema, validate } from "../../runtime/index.ts";
import type { BlockInput } from "../../runtime/types.ts";
import { blockToLetta, passageToLetta } from "../letta/records.ts";
import {
  agentPath,
  agentStateSchema,
  blockPath,
  blockSchema,
  deletedSchema,
  passageSchema,
} from "../schemas/common.ts";
import {
  agentBlockIdPath,
  agentBlockPath,
  agentPassagePath,
  createBlockBody,
  insertPassageBody,
  listBlocksQuery,
  listPassagesQuery,
  searchPassagesQuery,
  type UpdateBlockBody,
  updateBlockBody,
} from "../schemas/memory.ts";
import { agentState, deleted, type RouteContext } from "./context.ts";
import { projectOf } from "../tenancy/index.ts";

/** BlockInput fields from Letta's block fields (absent and null both mean "unchanged"). */
function blockPatch(body: UpdateBlockBody): Partial<BlockInput> {
  const patch: Partial<BlockInput> = {
    label: body.label ?? undefined,
    value: body.value ?? undefined,
    limit: body.limit ?? undefined,
    description: body.description ?? undefined,
    readOnly: body.read_only ?? undefined,
    metadata: body.metadata ?? undefined,
    tags: body.tags ?? undefined,
  };
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

/** Registers the block and passage routes. */
export function memoryRoutes({ lmos, trusted, table }: RouteContext): void {
  const tag = "memory";
  const blocks = z.array(blockSchema);

  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/core-memory/blocks",
      tag,
      summary: "List an agent's core memory blocks",
      params: agentPath,
      response: blocks,
    },
    async ({ params }) => (await (await lmos.agents.get(params.agent_id)).memory.list()).map(blockToLetta),
  );
  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/core-memory/blocks/{block_label}",
      tag,
      summary: "Retrieve a core memory block by label",
      params: agentBlockPath,
      response: blockSchema,
    },
    async ({ params }) =>
      blockToLetta(await (await lmos.agents.get(params.agent_id)).memory.get(params.block_label)),
  );
  table.add(
    {
      method: "patch",
      path: "/v1/agents/{agent_id}/core-memory/blocks/{block_label}",
      tag,
      summary: "Modify a core memory block by label",
      params: agentBlockPath,
      body: updateBlockBody,
      response: blockSchema,
    },
    async ({ params, body }) => {
      const handle = await trusted.agents.get(params.agent_id);
      const patch = validate(blockPatchSchema, blockPatch(body), "patch");
      return blockToLetta(await handle.memory.update(params.block_label, patch));
    },
  );
  for (const action of ["attach", "detach"] as const) {
    table.add(
      {
        method: "patch",
        path: `/v1/agents/{agent_id}/core-memory/blocks/${action}/{block_id}`,
        tag,
        summary: `${action === "attach" ? "Attach" : "Detach"} a block to/from an agent`,
        params: agentBlockIdPath,
        response: agentStateSchema,
      },
      async ({ params }) => {
        const handle = await lmos.agents.get(params.agent_id);
        if (action === "attach") await handle.memory.attach(params.block_id);
        else await lmos.blocks.get(params.block_id).then(() => handle.memory.detach(params.block_id));
        return agentState(lmos, handle.id);
      },
    );
  }

  table.add(
    {
      method: "post",
      path: "/v1/blocks/",
      tag,
      summary: "Create a standalone block",
      body: createBlockBody,
      response: blockSchema,
    },
    async ({ body }) =>
      blockToLetta(await trusted.blocks.create(validate(blockInputSchema, blockPatch(body), "block"))),
  );
  table.add(
    {
      method: "get",
      path: "/v1/blocks/",
      tag,
      summary: "List blocks",
      query: listBlocksQuery,
      response: blocks,
    },
    async ({ c, query }) => {
      const list = await lmos.blocks.list({
        project: projectOf(c),
        label: query.label,
        limit: query.limit,
        after: query.after,
        before: query.before,
        order: query.order,
      });
      const tags = query.tags;
      return (tags ? list.filter((b) => tags.some((t) => b.tags.includes(t))) : list).map(blockToLetta);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/blocks/{block_id}",
      tag,
      summary: "Retrieve a block",
      params: blockPath,
      response: blockSchema,
    },
    async ({ params }) => blockToLetta(await lmos.blocks.get(params.block_id)),
  );
  table.add(
    {
      method: "patch",
      path: "/v1/blocks/{block_id}",
      tag,
      summary: "Modify a block",
      params: blockPath,
      body: updateBlockBody,
      response: blockSchema,
    },
    async ({ params, body }) =>
      blockToLetta(
        await trusted.blocks.update(params.block_id, validate(blockPatchSchema, blockPatch(body), "patch")),
      ),
  );
  table.add(
    {
      method: "delete",
      path: "/v1/blocks/{block_id}",
      tag,
      summary: "Delete a block",
      params: blockPath,
      response: deletedSchema,
    },
    async ({ params }) => {
      await lmos.blocks.delete(params.block_id);
      return deleted("Block", params.block_id);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/blocks/{block_id}/agents",
      tag,
      summary: "List the agents a block is attached to",
      params: blockPath,
      response: z.array(agentStateSchema),
    },
    async ({ params }) => {
      await lmos.blocks.get(params.block_id);
      const ids = await lmos.blocks.agents(params.block_id);
      return Promise.all(ids.map((id) => agentState(lmos, id)));
    },
  );

  const archival = "archival";
  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/archival-memory",
      tag: archival,
      summary: "Insert a passage into archival memory",
      params: agentPath,
      body: insertPassageBody,
      response: z.array(passageSchema),
    },
    async ({ params, body }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const dated = body.created_at ? { createdAt: body.created_at } : {};
      return (await handle.archival.insert(body.text, body.tags ?? [], dated)).map(passageToLetta);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/archival-memory",
      tag: archival,
      summary: "List (or text-search) archival passages",
      params: agentPath,
      query: listPassagesQuery,
      response: z.array(passageSchema),
    },
    async ({ params, query }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const list = await handle.archival.list({
        limit: query.limit,
        after: query.after,
        before: query.before,
        order: query.ascending ? "asc" : "desc",
        search: query.search,
      });
      return list.map(passageToLetta);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/archival-memory/search",
      tag: archival,
      summary: "Search archival memory (hybrid lexical + vector)",
      params: agentPath,
      query: searchPassagesQuery,
      response: z.object({
        count: z.number(),
        results: z.array(
          z.object({ id: z.string(), content: z.string(), timestamp: z.string(), tags: z.array(z.string()) }),
        ),
      }),
    },
    async ({ params, query }) => {
      const handle = await trusted.agents.get(params.agent_id);
      const options = {
        tags: query.tags,
        tagMatch: query.tag_match_mode,
        limit: query.top_k,
        start: query.start_datetime,
        end: query.end_datetime,
      };
      const hits = await handle.archival.search(
        query.query,
        validate(archivalSearchSchema, options, "options"),
      );
      const results = hits.map((h) => ({
        id: h.passage.id,
        content: h.passage.text,
        timestamp: h.passage.createdAt,
        tags: h.passage.tags,
        score: h.score,
      }));
      return { count: results.length, results };
    },
  );
  table.add(
    {
      method: "delete",
      path: "/v1/agents/{agent_id}/archival-memory/{passage_id}",
      tag: archival,
      summary: "Delete an archival passage",
      params: agentPassagePath,
      response: deletedSchema,
    },
    async ({ params }) => {
      await (await lmos.agents.get(params.agent_id)).archival.delete(params.passage_id);
      return deleted("Passage", params.passage_id);
    },
  );
}
