// Background runs in Letta's shape: POST /v1/agents/{id}/messages/async answers a Run at once and the run
// proceeds in this process; /v1/runs/… shows runs, their messages and steps.
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import type { RunRecord } from "../../store/types.ts";
import { messagesToLetta } from "../letta/messages.ts";
import { runToLetta, stepToLetta, traceToLetta } from "../letta/runs.ts";
import { agentPath, lettaMessageSchema } from "../schemas/common.ts";
import {
  asyncMessageBody,
  listRunsQuery,
  runMessagesQuery,
  runPath,
  runSchema,
  runStepsQuery,
  stepPath,
  stepSchema,
} from "../schemas/runs.ts";
import { type RouteContext, replyModeOf } from "./context.ts";
import { checkStreamFlags, runInputOf, runOptionsOf } from "./send.ts";
import { projectOf } from "../tenancy/index.ts";

const ACTIVE: RunRecord["status"][] = ["created", "running"];

/** The statuses a list asks for: `statuses`, narrowed to the active ones by `active=true`. */
function statusFilter(statuses?: RunRecord["status"][], active?: boolean) {
  if (!active) return statuses;
  return statuses ? statuses.filter((s) => ACTIVE.includes(s)) : ACTIVE;
}

/** A page of items already in memory, by the same cursor rules as the store's lists. */
function pageOf<T extends { id: string }>(
  items: T[],
  q: { after?: string; before?: string; limit: number; order: "asc" | "desc" },
) {
  let out = q.order === "desc" ? [...items].reverse() : items;
  for (const [cursor, keepAfter] of [
    [q.after, true],
    [q.before, false],
  ] as const) {
    if (cursor === undefined) continue;
    const i = out.findIndex((x) => x.id === cursor);
    out = i < 0 ? [] : keepAfter ? out.slice(i + 1) : out.slice(0, i);
  }
  return out.slice(0, q.limit);
}

/** Registers the run routes. */
export function runRoutes({ lmos, trusted, table }: RouteContext): void {
  const tag = "runs";

  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/messages/async",
      tag: "messages",
      summary: "Send messages as a background run: answers the Run at once; poll GET /v1/runs/{run_id}",
      params: agentPath,
      body: asyncMessageBody,
      response: runSchema,
    },
    async ({ params, body }) => {
      if (body.streaming) throw new LmosError("invalid_argument", "body.streaming: not with /messages/async");
      checkStreamFlags(body, false);
      if (body.callback_url) {
        throw new LmosError(
          "invalid_argument",
          "body.callback_url: lmos does not call back; poll GET /v1/runs/{run_id} instead",
        );
      }
      const handle = await trusted.agents.get(params.agent_id);
      const input = await runInputOf(body, handle);
      return runToLetta(await handle.start(input, runOptionsOf(body)));
    },
  );

  table.add(
    {
      method: "get",
      path: "/v1/runs/",
      tag,
      summary: "List runs (newest first), by agent, status and stop reason",
      query: listRunsQuery,
      response: z.array(runSchema),
    },
    async ({ c, query }) => {
      const agentIds =
        query.agent_id || query.agent_ids
          ? [...(query.agent_id ? [query.agent_id] : []), ...(query.agent_ids ?? [])]
          : undefined;
      const runs = await lmos.runs.list({
        project: projectOf(c),
        agentIds,
        statuses: statusFilter(query.statuses, query.active),
        stopReason: query.stop_reason,
        ...(query.chain_id ? { chainId: query.chain_id } : {}),
        limit: query.limit,
        after: query.after,
        before: query.before,
        order: query.order ?? (query.ascending ? "asc" : "desc"),
      });
      return runs.map(runToLetta);
    },
  );

  table.add(
    {
      method: "get",
      path: "/v1/runs/{run_id}",
      tag,
      summary: "A run: its status, stop reason and times",
      params: runPath,
      response: runSchema,
    },
    async ({ params }) => runToLetta(await lmos.runs.get(params.run_id)),
  );

  table.add(
    {
      method: "get",
      path: "/v1/runs/{run_id}/messages",
      tag,
      summary: "The messages a run stored, its input first (oldest first by default)",
      params: runPath,
      query: runMessagesQuery,
      response: z.array(lettaMessageSchema),
    },
    async ({ params, query }) => {
      const run = await lmos.runs.get(params.run_id);
      const records = await lmos.runs.messages(run.id, {
        limit: query.limit,
        after: query.after,
        before: query.before,
        order: query.order,
      });
      return messagesToLetta(records, await replyModeOf(lmos, run.agentId), query.order);
    },
  );

  table.add(
    {
      method: "get",
      path: "/v1/runs/{run_id}/steps",
      tag,
      summary: "The steps of a run (newest first by default)",
      params: runPath,
      query: runStepsQuery,
      response: z.array(stepSchema),
    },
    async ({ params, query }) => pageOf(await lmos.runs.steps(params.run_id), query).map(stepToLetta),
  );

  table.add(
    {
      method: "get",
      path: "/v1/steps/{step_id}/trace",
      tag: "steps",
      summary:
        "The exact request a step sent to the model and the answer (Letta's ProviderTrace); null when this server process no longer keeps it",
      params: stepPath,
      response: z.looseObject({ request_json: z.record(z.string(), z.unknown()) }).nullable(),
    },
    async ({ params }) => {
      const trace = await lmos.runs.trace(params.step_id);
      return trace ? traceToLetta(trace) : null;
    },
  );
}
