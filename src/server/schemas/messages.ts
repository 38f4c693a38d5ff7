// Request schemas of agent messages: send (plain and streaming), list, reset, cancel, summarize, recompile.
import { z } from "zod";
import { qBool, qList } from "../read-input.ts";
import { opt, pageQuery } from "./common.ts";

export const MESSAGE_TYPES = [
  "system_message",
  "user_message",
  "assistant_message",
  "reasoning_message",
  "hidden_reasoning_message",
  "tool_call_message",
  "tool_return_message",
  "approval_request_message",
  "approval_response_message",
  "summary_message",
  "event_message",
] as const;

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(contentPart)]);

/** MessageCreate (approval and tool-return inputs are refused with a clear 422). */
const messageCreate = z.looseObject({
  type: opt(z.string()),
  role: z.enum(["user", "system", "assistant"]).optional(),
  content: content.optional(),
  name: opt(z.string()),
  otid: opt(z.string()),
  sender_id: opt(z.string()),
});

/** MessageCreateParams / MessageStreamParams. */
export const sendMessageBody = z.object({
  messages: opt(z.array(messageCreate)),
  input: opt(content),
  max_steps: opt(z.number().int().min(1).max(1000)),
  streaming: opt(z.boolean()),
  stream_tokens: opt(z.boolean()),
  include_pings: opt(z.boolean()),
  background: opt(z.boolean()),
  include_return_message_types: opt(z.array(z.enum(MESSAGE_TYPES))),
  use_assistant_message: opt(z.boolean()),
  assistant_message_tool_name: opt(z.string()),
  assistant_message_tool_kwarg: opt(z.string()),
  enable_thinking: opt(z.string()),
});

/** Query of GET /v1/agents/{id}/messages (Letta defaults: limit 100, newest first). */
export const listMessagesQuery = pageQuery(100, "desc").extend({
  include_return_message_types: qList.optional(),
  include_err: qBool.optional(),
  use_assistant_message: qBool.optional(),
  group_id: z.string().optional(),
  conversation_id: z.string().optional(),
});

export const resetMessagesBody = z.object({ add_default_initial_messages: opt(z.boolean()) });
export const cancelBody = z.object({ run_ids: opt(z.array(z.string().min(1))) });
export const summarizeBody = z.looseObject({});
export const recompileQuery = z.object({ dry_run: qBool.optional(), update_timestamp: qBool.optional() });

/** MessageSearchRequest (POST /v1/messages/search); lmos searches one agent's recall, so agent_id is needed. */
export const searchMessagesBody = z.object({
  query: z.string().max(10_000),
  agent_id: z.string().min(1, "give agent_id: lmos searches one agent's recall memory"),
  limit: opt(z.number().int().min(1).max(200)),
  start_date: opt(z.string()),
  end_date: opt(z.string()),
  search_mode: opt(z.enum(["vector", "fts", "hybrid"])),
  roles: opt(z.array(z.enum(["user", "assistant"]))),
  conversation_id: opt(z.string()),
});

export type SendMessageBody = z.infer<typeof sendMessageBody>;
