// /v1/agents/{id}/messages…: send (plain or SSE), stream, list with cursor paging, reset, cancel, summarize.
import { z } from "zod";
import { recallOptionsSchema, recallQuerySchema, validate } from "../../runtime/index.ts";
import { messagesToLetta } from "../letta/messages.ts";
import { agentPath, lettaMessageSchema } from "../schemas/common.ts";
import {
  cancelBody,
  listMessagesQuery,
  resetMessagesBody,
  searchMessagesBody,
  sendMessageBody,
  summarizeBody,
} from "../schemas/messages.ts";
import { type RouteContext, replyModeOf } from "./context.ts";
import { checkStreamFlags, sendPlain } from "./send.ts";
import { sendStream } from "./stream.ts";

const lettaResponseSchema = z.object({
  messages: z.array(lettaMessageSchema),
  stop_reason: z.object({ message_type: z.literal("stop_reason"), stop_reason: z.string() }),
  usage: z.looseObject({ message_type: z.literal("usage_statistics") }),
});

/** Registers the message routes. */
export function messageRoutes({ lmos, trusted, table, pingMs }: RouteContext): void {
  const tag = "messages";

  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/messages",
      tag,
      summary: "Send messages; `streaming: true` answers with an SSE stream",
      params: agentPath,
      body: sendMessageBody,
      response: lettaResponseSchema,
      sse: "maybe",
    },
    async ({ c, params, body }) => {
      const streaming = body.streaming === true;
      checkStreamFlags(body, streaming);
      const handle = await trusted.agents.get(params.agent_id);
      return streaming ? sendStream(c, lmos, handle, body, pingMs) : sendPlain(c, handle, body);
    },
  );

  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/messages/stream",
      tag,
      summary: "Send messages and stream the run as SSE",
      params: agentPath,
      body: sendMessageBody,
      sse: "always",
    },
    async ({ c, params, body }) =>
      sendStream(c, lmos, await trusted.agents.get(params.agent_id), body, pingMs),
  );

  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/messages",
      tag,
      summary: "List an agent's messages (newest first by default)",
      params: agentPath,
      query: listMessagesQuery,
      response: z.array(lettaMessageSchema),
    },
    async ({ params, query }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const replyMode = await replyModeOf(lmos, handle.id);
      const records = await handle.messages({
        limit: query.limit,
        after: query.after,
        before: query.before,
        order: query.order,
      });
      const out = messagesToLetta(records, replyMode, query.order);
      const types = query.include_return_message_types;
      return types ? out.filter((m) => types.includes(m.message_type)) : out;
    },
  );

  table.add(
    {
      method: "patch",
      path: "/v1/agents/{agent_id}/reset-messages",
      tag,
      summary: "Empty the context window (messages stay in recall); answers null like Letta for 1.x clients",
      params: agentPath,
      body: resetMessagesBody,
    },
    async ({ params }) => {
      await (await lmos.agents.get(params.agent_id)).reset();
      return null;
    },
  );

  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/messages/cancel",
      tag,
      summary: "Cancel the agent's run in progress (or the given runs)",
      params: agentPath,
      body: cancelBody,
    },
    async ({ params, body }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const out: Record<string, string> = {};
      if (body.run_ids?.length) {
        for (const id of body.run_ids) out[id] = (await handle.cancel(id)) ? "cancelled" : "not_running";
      } else {
        out.status = (await handle.cancel()) ? "cancelled" : "not_running";
      }
      return out;
    },
  );

  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/summarize",
      tag,
      summary: "Compact the context window now (evict into the recursive summary)",
      params: agentPath,
      body: summarizeBody,
      response: z.object({
        num_messages_before: z.number(),
        num_messages_after: z.number(),
        summary: z.string(),
      }),
    },
    async ({ params }) => {
      const handle = await lmos.agents.get(params.agent_id);
      const before = (await handle.state()).record.inContextMessageIds.length;
      await handle.compact();
      const after = (await handle.state()).record;
      return {
        num_messages_before: before,
        num_messages_after: after.inContextMessageIds.length,
        summary: after.summary,
      };
    },
  );

  table.add(
    {
      method: "post",
      path: "/v1/messages/search",
      tag,
      readOnly: true,
      summary:
        "Search an agent's recall memory (what the user and the agent said; hybrid BM25 + vectors), best first",
      body: searchMessagesBody,
      response: z.array(
        z.looseObject({
          message_id: z.string(),
          agent_id: z.string(),
          message_type: z.string(),
          content: z.string(),
          created_at: z.string(),
        }),
      ),
    },
    async ({ body }) => {
      const handle = await trusted.agents.get(body.agent_id);
      const options = validate(
        recallOptionsSchema,
        {
          limit: body.limit ?? undefined,
          start: body.start_date ?? undefined,
          end: body.end_date ?? undefined,
          roles: body.roles ?? undefined,
        },
        "options",
      );
      const hits = await handle.recall.search(validate(recallQuerySchema, body.query, "query"), options);
      return hits.map(({ message: m, text }) => ({
        message_type: m.role === "user" ? "user_message" : "assistant_message",
        message_id: m.id,
        agent_id: m.agentId,
        run_id: m.runId,
        content: text,
        created_at: m.createdAt,
      }));
    },
  );
}
