// Letta's /v1/groups (deprecated in Letta's SDK 1.x, kept by its server): groups of agents, messages routed
// by the manager policy, their messages, reset, and shared blocks.
import { z } from "zod";
import { groupInputSchema, groupPatchSchema, inputSchema, validate } from "../../runtime/index.ts";
import type { GroupInput } from "../../runtime/types.ts";
import type { MessageRecord } from "../../store/types.ts";
import { groupToLetta } from "../letta/groups.ts";
import { messagesToLetta, stopReasonOf } from "../letta/messages.ts";
import { jsonObject, lettaMessageSchema, opt, pageQuery, pathId } from "../schemas/common.ts";
import { sendMessageBody } from "../schemas/messages.ts";
import { deleted, type RouteContext } from "./context.ts";
import { inputOf } from "./send.ts";
import { projectOf } from "../tenancy/index.ts";

const managerConfig = z.object({
  manager_type: z.enum(["round_robin", "supervisor", "dynamic", "sleeptime"]),
  manager_agent_id: opt(z.string().min(1)),
  termination_token: opt(z.string().min(1)),
  max_turns: opt(z.number().int().min(1)),
  sleeptime_agent_frequency: opt(z.number().int().min(1)),
});
const groupBody = z.object({
  agent_ids: z.array(z.string().min(1)),
  description: z.string(),
  manager_config: opt(managerConfig),
  shared_block_ids: opt(z.array(z.string().min(1))),
  project_id: opt(z.string()),
  hidden: opt(z.boolean()),
});
const groupPatch = groupBody.partial().extend({ manager_config: opt(managerConfig.partial()) });
const groupPath = z.object({ group_id: pathId });
const groupBlockPath = groupPath.extend({ block_id: pathId });
const groupSchema = z.looseObject({
  id: z.string(),
  manager_type: z.string(),
  agent_ids: z.array(z.string()),
});
const listQuery = pageQuery(50, "asc").extend({
  manager_type: z.enum(["round_robin", "supervisor", "dynamic", "sleeptime"]).optional(),
});

function inputFrom(b: z.infer<typeof groupPatch>): Partial<GroupInput> {
  const m = b.manager_config;
  return {
    ...(b.agent_ids ? { agentIds: b.agent_ids } : {}),
    ...(b.description !== undefined && b.description !== null ? { description: b.description } : {}),
    ...(b.shared_block_ids ? { sharedBlockIds: b.shared_block_ids } : {}),
    ...(m?.manager_type ? { managerType: m.manager_type } : {}),
    ...(m?.manager_agent_id ? { managerAgentId: m.manager_agent_id } : {}),
    ...(m?.termination_token ? { terminationToken: m.termination_token } : {}),
    ...(m?.max_turns ? { maxTurns: m.max_turns } : {}),
    ...(m?.sleeptime_agent_frequency ? { sleeptimeAgentFrequency: m.sleeptime_agent_frequency } : {}),
  };
}

/** Registers the group routes. */
export function groupRoutes({ lmos, trusted, table }: RouteContext): void {
  const tag = "groups";
  table.add(
    {
      method: "get",
      path: "/v1/groups/",
      tag,
      summary: "List groups",
      query: listQuery,
      response: z.array(groupSchema),
    },
    async ({ c, query }) => (await lmos.groups.list({ ...query, project: projectOf(c) })).map(groupToLetta),
  );
  table.add(
    {
      method: "post",
      path: "/v1/groups/",
      tag,
      summary: "Create a group",
      body: groupBody,
      response: groupSchema,
    },
    async ({ body }) => {
      const input = validate(groupInputSchema, { agentIds: [], ...inputFrom(body) }, "group");
      return groupToLetta(await trusted.groups.create(input));
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/groups/{group_id}",
      tag,
      summary: "Retrieve a group",
      params: groupPath,
      response: groupSchema,
    },
    async ({ params }) => groupToLetta(await lmos.groups.get(params.group_id)),
  );
  table.add(
    {
      method: "patch",
      path: "/v1/groups/{group_id}",
      tag,
      summary: "Modify a group",
      params: groupPath,
      body: groupPatch,
      response: groupSchema,
    },
    async ({ params, body }) => {
      // A missing group answers 404 before a bad patch answers 422, as the library's update does.
      await trusted.groups.get(params.group_id);
      const patch = validate(groupPatchSchema, inputFrom(body), "group");
      return groupToLetta(await trusted.groups.update(params.group_id, patch));
    },
  );
  table.add(
    { method: "delete", path: "/v1/groups/{group_id}", tag, summary: "Delete a group", params: groupPath },
    async ({ params }) => {
      await lmos.groups.delete(params.group_id);
      return deleted("Group", params.group_id);
    },
  );
  table.add(
    {
      method: "post",
      path: "/v1/groups/{group_id}/messages",
      tag,
      summary: "Send a message to a group: routed by its manager policy; answers every member's messages",
      params: groupPath,
      body: sendMessageBody,
      response: z.looseObject({ messages: z.array(lettaMessageSchema), stop_reason: jsonObject }),
    },
    async ({ params, body }) => {
      const input = validate(inputSchema, inputOf(body), "input");
      const turn = await trusted.groups.send(params.group_id, input, {
        maxSteps: body.max_steps ?? undefined,
      });
      const output = turn.messages.filter((m) => m.role === "assistant" || m.role === "tool");
      const sum = (k: "promptTokens" | "completionTokens" | "totalTokens" | "stepCount") =>
        turn.runs.reduce((n, r) => n + r.usage[k], 0);
      return {
        messages: messagesToLetta(output, "send_message"),
        stop_reason: stopReasonOf(turn.runs.at(-1)?.stopReason ?? "end_turn"),
        usage: {
          message_type: "usage_statistics",
          prompt_tokens: sum("promptTokens"),
          completion_tokens: sum("completionTokens"),
          total_tokens: sum("totalTokens"),
          step_count: sum("stepCount"),
          run_ids: turn.runs.map((r) => r.runId),
        },
      };
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/groups/{group_id}/messages",
      tag,
      summary: "The messages of the group's turns, newest first",
      params: groupPath,
      query: pageQuery(10, "desc"),
      response: z.array(lettaMessageSchema),
    },
    async ({ params, query }) => {
      const g = await lmos.groups.get(params.group_id);
      const agentIds = [...new Set([...g.agentIds, ...(g.managerAgentId ? [g.managerAgentId] : [])])];
      const runs = (await lmos.runs.list({ agentIds, order: "desc", limit: 200 })).filter(
        (r) => r.chain?.origin === g.id,
      );
      const all: MessageRecord[] = [];
      for (const r of runs) all.push(...(await lmos.runs.messages(r.id, { order: "desc" })));
      all.sort((a, b) => (a.createdAt === b.createdAt ? b.seq - a.seq : a.createdAt < b.createdAt ? 1 : -1));
      let page = query.order === "asc" ? all.reverse() : all;
      if (query.after) page = page.slice(page.findIndex((m) => m.id === query.after) + 1 || page.length);
      return messagesToLetta(page.slice(0, query.limit), "send_message", query.order);
    },
  );
  table.add(
    {
      method: "patch",
      path: "/v1/groups/{group_id}/reset-messages",
      tag,
      summary: "Reset every member's messages",
      params: groupPath,
    },
    async ({ params }) => {
      const g = await lmos.groups.get(params.group_id);
      for (const id of new Set([...g.agentIds, ...(g.managerAgentId ? [g.managerAgentId] : [])])) {
        await (await lmos.agents.get(id)).reset();
      }
      return null;
    },
  );
  for (const action of ["attach", "detach"] as const) {
    table.add(
      {
        method: "patch",
        path: `/v1/groups/{group_id}/blocks/${action}/{block_id}`,
        tag,
        summary: `${action === "attach" ? "Attach a block to" : "Detach a block from"} the group and every member`,
        params: groupBlockPath,
      },
      async ({ params }) => {
        if (action === "attach") await lmos.groups.attachBlock(params.group_id, params.block_id);
        else await lmos.groups.detachBlock(params.group_id, params.block_id);
        return null;
      },
    );
  }
}
