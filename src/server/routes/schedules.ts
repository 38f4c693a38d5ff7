// An agent's scheduled messages (Letta's /v1/agents/{id}/schedule): create, list, retrieve, delete. The
// firing is a run with a heartbeat input followed by the scheduled messages, made by whichever process
// serving the database fires it first (once).
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import { scheduleInputSchema, validate } from "../../runtime/index.ts";
import { scheduleToLetta } from "../letta/schedules.ts";
import { agentPath, jsonObject, opt, pathId } from "../schemas/common.ts";
import type { SendMessageBody } from "../schemas/messages.ts";
import { qInt } from "../read-input.ts";
import type { RouteContext } from "./context.ts";
import { inputOf } from "./send.ts";

const scheduleBody = z.object({
  messages: z.array(z.looseObject({ role: z.enum(["user", "system", "assistant"]).optional() })).min(1),
  schedule: z.union([
    z.object({ type: z.literal("one-time").optional(), scheduled_at: z.number().finite() }),
    z.object({ type: z.literal("recurring"), cron_expression: z.string().min(1).max(200) }),
  ]),
  max_steps: opt(z.number().int().min(1).max(1000)),
  callback_url: opt(z.string()),
  include_return_message_types: opt(z.array(z.string())),
  // lmos extras: a cron schedule's IANA time zone (UTC otherwise) and the heartbeat's reason.
  timezone: opt(z.string().min(1).max(100)),
  reason: opt(z.string().max(2_000)),
});
const schedulePath = agentPath.extend({ scheduled_message_id: pathId });
const listQuery = z.object({ after: z.string().min(1).optional(), limit: qInt(1, 1000).default(50) });
const scheduledSchema = z.looseObject({ id: z.string(), agent_id: z.string(), schedule: jsonObject });

/** Registers the schedule routes. */
export function scheduleRoutes({ lmos, trusted, table }: RouteContext): void {
  const tag = "schedule";
  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/schedule",
      tag,
      summary: "Schedule messages to the agent at a time (scheduled_at, ms) or on a cron expression",
      params: agentPath,
      body: scheduleBody,
      response: z.object({ id: z.string(), next_scheduled_at: z.string().nullable() }),
    },
    async ({ params, body }) => {
      if (body.callback_url) {
        throw new LmosError(
          "invalid_argument",
          "body.callback_url: lmos does not call back; list the agent's runs",
        );
      }
      const messages = inputOf({ messages: body.messages } as SendMessageBody);
      const handle = await trusted.agents.get(params.agent_id);
      const s = body.schedule;
      const input = {
        ...("cron_expression" in s ? { cron: s.cron_expression } : { at: s.scheduled_at }),
        ...(body.timezone ? { timezone: body.timezone } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
        ...(body.max_steps ? { maxSteps: body.max_steps } : {}),
        messages,
      };
      const created = await handle.schedules.create(validate(scheduleInputSchema, input, "schedule"));
      return { id: created.id, next_scheduled_at: created.nextRunAt };
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/schedule",
      tag,
      summary: "List the agent's scheduled messages",
      params: agentPath,
      query: listQuery,
      response: z.object({ has_next_page: z.boolean(), scheduled_messages: z.array(scheduledSchema) }),
    },
    async ({ params, query }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const page = await handle.schedules.list({ after: query.after, limit: query.limit + 1 });
      return {
        has_next_page: page.length > query.limit,
        scheduled_messages: page.slice(0, query.limit).map(scheduleToLetta),
      };
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/schedule/{scheduled_message_id}",
      tag,
      summary: "Retrieve a scheduled message",
      params: schedulePath,
      response: scheduledSchema,
    },
    async ({ params }) => {
      const handle = await lmos.agents.get(params.agent_id);
      return scheduleToLetta(await handle.schedules.get(params.scheduled_message_id));
    },
  );
  table.add(
    {
      method: "delete",
      path: "/v1/agents/{agent_id}/schedule/{scheduled_message_id}",
      tag,
      summary: "Delete a scheduled message",
      params: schedulePath,
      response: z.object({ success: z.literal(true) }),
    },
    async ({ params }) => {
      const handle = await lmos.agents.get(params.agent_id);
      await handle.schedules.delete(params.scheduled_message_id);
      return { success: true };
    },
  );
}
