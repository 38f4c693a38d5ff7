// Request and response schemas of runs: the background send, listing runs, a run's messages and steps.
import { z } from "zod";
import { qBool, qInt } from "../read-input.ts";
import { opt, pageQuery, pathId } from "./common.ts";
import { sendMessageBody } from "./messages.ts";

export const RUN_STATUSES = ["created", "running", "completed", "failed", "cancelled"] as const;

/** Letta's StopReasonType. */
export const STOP_REASONS = [
  "end_turn",
  "error",
  "llm_api_error",
  "invalid_llm_response",
  "invalid_tool_call",
  "max_steps",
  "max_tokens_exceeded",
  "no_tool_call",
  "tool_rule",
  "cancelled",
  "insufficient_credits",
  "requires_approval",
  "context_window_overflow_in_system_prompt",
] as const;

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(item));

export const runPath = z.object({ run_id: pathId });
export const stepPath = z.object({ step_id: pathId });

/** MessageCreateAsyncParams: a send body plus the callback Letta would POST to (refused: lmos has none). */
export const asyncMessageBody = sendMessageBody.extend({ callback_url: opt(z.string()) });

/** Query of GET /v1/runs/ (Letta: newest first, 100 per page). */
export const listRunsQuery = z.object({
  agent_id: z.string().min(1).optional(),
  agent_ids: oneOrMany(z.string().min(1)).optional(),
  statuses: oneOrMany(z.enum(RUN_STATUSES)).optional(),
  stop_reason: z.enum(STOP_REASONS).optional(),
  /** lmos: the runs of one chain (agent messages, group turns, sleep-time, schedules). */
  chain_id: z.string().min(1).optional(),
  active: qBool.optional(),
  background: qBool.optional(),
  ascending: qBool.optional(),
  before: z.string().min(1).optional(),
  after: z.string().min(1).optional(),
  limit: qInt(1, 1000).default(100),
  order: z.enum(["asc", "desc"]).optional(),
  order_by: z.string().optional(),
});

/** Query of GET /v1/runs/{id}/messages (oldest first: the run as it happened). */
export const runMessagesQuery = pageQuery(100, "asc");
/** Query of GET /v1/runs/{id}/steps. */
export const runStepsQuery = pageQuery(100, "desc");

export const runSchema = z.looseObject({
  id: z.string(),
  agent_id: z.string(),
  status: z.enum(RUN_STATUSES),
  stop_reason: z.enum(STOP_REASONS).nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  total_duration_ns: z.number().nullable(),
});

export const stepSchema = z.looseObject({
  id: z.string(),
  run_id: z.string(),
  agent_id: z.string(),
  total_tokens: z.number(),
});
