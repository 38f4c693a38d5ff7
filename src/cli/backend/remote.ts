// The CLI over a running server (`--url`), speaking the Letta-compatible REST API that `lmos serve` offers.
import { LmosError } from "../../errors.ts";
import { allPages } from "./pages.ts";
import { RemoteHttp, readSse } from "./remote-http.ts";
import {
  agentFromLetta,
  assistantText,
  blockFromLetta,
  contextFromLetta,
  lettaChatTranslator,
  passageFromLetta,
  runFromLetta,
  searchResultFromLetta,
  usageFromLetta,
} from "./remote-letta.ts";
import type { Backend, ChatEvent, CliSchedule } from "./types.ts";

type Json = Record<string, any>;
/** Letta's ScheduledMessage as the CLI shows it. */
function scheduleFromLetta(s: Json): CliSchedule {
  const recurring = s.schedule?.type === "recurring";
  return {
    id: String(s.id),
    agentId: String(s.agent_id),
    when: recurring
      ? String(s.schedule.cron_expression)
      : new Date(Number(s.schedule?.scheduled_at)).toISOString(),
    recurring,
    nextRunAt: s.next_scheduled_time ?? null,
    message: ((s.message?.messages ?? []) as Json[]).map((m) => String(m.content)).join("\n") || null,
  };
}

const FAILED_STOPS = new Set(["error", "llm_api_error", "invalid_llm_response"]);

/** A Backend for the server at `url`. */
export function openRemoteBackend(options: { url: string; apiKey?: string; model?: string }): Backend {
  const http = new RemoteHttp(options.url, options.apiKey);
  const enc = encodeURIComponent;

  async function find(idOrName: string): Promise<Json | null> {
    if (idOrName.startsWith("agent-")) {
      try {
        return await http.json<Json>("GET", `v1/agents/${enc(idOrName)}`);
      } catch (e) {
        if (!(LmosError.is(e) && e.code === "not_found")) throw e;
      }
    }
    const list = await http.json<Json[]>("GET", "v1/agents/", { query: { name: idOrName, limit: 2 } });
    return list.find((a) => a.name === idOrName) ?? null;
  }
  async function resolve(idOrName: string): Promise<Json> {
    const a = await find(idOrName);
    if (!a) throw new LmosError("not_found", `agent "${idOrName}" not found at ${options.url}`);
    return a;
  }
  const id = async (idOrName: string) => String((await resolve(idOrName)).id);
  const userMessage = (text: string) => [{ role: "user", content: text }];

  return {
    where: options.url,
    async listAgents() {
      const agents = await allPages(
        100,
        (after) => http.json<Json[]>("GET", "v1/agents/", { query: { limit: 100, order: "asc", after } }),
        (a) => String(a.id),
        1000,
      );
      return agents.map(agentFromLetta);
    },
    async createAgent(o) {
      const model = o.model ?? options.model;
      const created = await http.json<Json>("POST", "v1/agents/", {
        body: {
          name: o.name,
          ...(model ? { model } : {}),
          ...(o.embedding ? { embedding: o.embedding } : {}),
        },
      });
      for (const [label, value] of [
        ["persona", o.persona],
        ["human", o.human],
      ] as const) {
        if (value === undefined) continue;
        await http.json("PATCH", `v1/agents/${enc(created.id)}/core-memory/blocks/${enc(label)}`, {
          body: { value },
        });
      }
      return agentFromLetta(await http.json<Json>("GET", `v1/agents/${enc(created.id)}`));
    },
    getAgent: async (idOrName) => agentFromLetta(await resolve(idOrName)),
    async findAgent(idOrName) {
      const a = await find(idOrName);
      return a ? agentFromLetta(a) : null;
    },
    async updateAgent(idOrName, patch) {
      const body = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      return agentFromLetta(await http.json<Json>("PATCH", `v1/agents/${enc(await id(idOrName))}`, { body }));
    },
    async deleteAgent(idOrName) {
      await http.json("DELETE", `v1/agents/${enc(await id(idOrName))}`);
    },
    async blocks(a) {
      const list = await http.json<Json[]>("GET", `v1/agents/${enc(await id(a))}/core-memory/blocks`);
      return list.map(blockFromLetta);
    },
    async block(a, label) {
      return blockFromLetta(
        await http.json<Json>("GET", `v1/agents/${enc(await id(a))}/core-memory/blocks/${enc(label)}`),
      );
    },
    async setBlock(a, label, value) {
      const path = `v1/agents/${enc(await id(a))}/core-memory/blocks/${enc(label)}`;
      return blockFromLetta(await http.json<Json>("PATCH", path, { body: { value } }));
    },
    async listRuns(o) {
      const query = {
        agent_id: o.agent ? await id(o.agent) : undefined,
        statuses: o.statuses?.length ? o.statuses : undefined,
        limit: o.limit ?? 20,
        order: "desc",
      };
      return (await http.json<Json[]>("GET", "v1/runs/", { query })).map(runFromLetta);
    },
    async run(runId) {
      const run = runFromLetta(await http.json<Json>("GET", `v1/runs/${enc(runId)}`));
      const messages = await allPages(
        500,
        (after) =>
          http.json<Json[]>("GET", `v1/runs/${enc(runId)}/messages`, {
            query: { order: "asc", limit: 500, after },
          }),
        (m) => String(m.id),
      );
      return { run, messages };
    },
    async archivalInsert(a, text, tags) {
      const body = { text, ...(tags.length ? { tags } : {}) };
      const out = await http.json<Json[] | Json>("POST", `v1/agents/${enc(await id(a))}/archival-memory`, {
        body,
      });
      return (Array.isArray(out) ? out : [out]).map(passageFromLetta);
    },
    async archivalSearch(a, query, o) {
      const res = await http.json<Json>("GET", `v1/agents/${enc(await id(a))}/archival-memory/search`, {
        query: { query, tags: o.tags?.length ? o.tags : undefined, top_k: o.limit },
      });
      return ((res?.results ?? []) as Json[]).map(searchResultFromLetta);
    },
    async send(a, message, o = {}) {
      const agentId = await id(a);
      const res = await http.json<Json>("POST", `v1/agents/${enc(agentId)}/messages`, {
        body: { messages: userMessage(message), ...(o.maxSteps ? { max_steps: o.maxSteps } : {}) },
      });
      const messages = (res.messages ?? []) as Json[];
      const stopReason = String(res.stop_reason?.stop_reason ?? "end_turn");
      const reply = messages
        .filter((m) => m.message_type === "assistant_message")
        .map(assistantText)
        .join("\n\n");
      return {
        agentId,
        runId:
          (res.usage?.run_ids?.[0] as string | undefined) ??
          (messages[0]?.run_id as string | undefined) ??
          null,
        reply,
        stopReason,
        usage: usageFromLetta(res.usage),
        messages,
        ...(FAILED_STOPS.has(stopReason)
          ? { error: { code: stopReason, message: `the run stopped: ${stopReason}` } }
          : {}),
      };
    },
    async *stream(a, message, o = {}): AsyncIterable<ChatEvent> {
      const agentId = await id(a);
      const res = await http.fetch("POST", `v1/agents/${enc(agentId)}/messages/stream`, {
        body: {
          messages: userMessage(message),
          stream_tokens: true,
          ...(o.maxSteps ? { max_steps: o.maxSteps } : {}),
        },
        signal: o.signal,
      });
      if (!res.body) return;
      const translate = lettaChatTranslator();
      let stopReason = "end_turn";
      let finished = false;
      for await (const sse of readSse(res.body)) {
        if (sse.data === "[DONE]") break;
        let m: Json;
        try {
          m = JSON.parse(sse.data) as Json;
        } catch {
          continue;
        }
        if (sse.event === "error") m = { ...m, message_type: "error_message" };
        yield* translate(m);
        if (m.message_type === "stop_reason") stopReason = String(m.stop_reason);
        else if (m.message_type === "usage_statistics") {
          finished = true;
          yield { type: "finish", stopReason, usage: usageFromLetta(m) };
        }
      }
      if (!finished) yield { type: "finish", stopReason, usage: usageFromLetta(null) };
    },
    async context(a) {
      const agent = await resolve(a);
      try {
        return contextFromLetta(await http.json<Json>("GET", `v1/agents/${enc(agent.id)}/context`));
      } catch (e) {
        if (!(LmosError.is(e) && e.code === "not_found")) throw e;
        // A server without the context overview: what the agent state tells.
        const info = agentFromLetta(agent);
        const ids = Array.isArray(agent.message_ids) ? agent.message_ids.length : null;
        return {
          contextWindow: info.contextWindow,
          total: null,
          system: null,
          coreMemory: null,
          files: null,
          summary: null,
          messages: null,
          tools: null,
          inContextMessages: ids,
          recallMessages: null,
          archivalPassages: null,
        };
      }
    },
    async reset(a) {
      await http.json("PATCH", `v1/agents/${enc(await id(a))}/reset-messages`, {
        body: { add_default_initial_messages: false },
      });
    },
    async exportAgent(a, o) {
      const query = o.scrubMessages ? { scrub_messages: "true" } : {};
      return http.json<Json>("GET", `v1/agents/${enc(await id(a))}/export`, { query });
    },
    async importAgents(text, o) {
      const form = new FormData();
      form.set("file", new Blob([text], { type: "application/json" }), "agent.af");
      if (o.name) form.set("name", o.name);
      if (o.model) form.set("model", o.model);
      const res = await http.fetch("POST", "v1/agents/import", { body: form });
      return ((await res.json()) as { agent_ids: string[] }).agent_ids;
    },
    async createSchedule(a, o) {
      const agentId = await id(a);
      const schedule = o.cron
        ? { type: "recurring", cron_expression: o.cron }
        : { type: "one-time", scheduled_at: Date.parse(o.at ?? "") };
      const made = await http.json<Json>("POST", `v1/agents/${enc(agentId)}/schedule`, {
        body: {
          schedule,
          messages: [{ role: "user", content: o.message ?? o.reason ?? "Scheduled wake-up." }],
          ...(o.timezone ? { timezone: o.timezone } : {}),
          ...(o.reason ? { reason: o.reason } : {}),
        },
      });
      return scheduleFromLetta(
        await http.json<Json>("GET", `v1/agents/${enc(agentId)}/schedule/${enc(made.id)}`),
      );
    },
    async listSchedules(a) {
      const agentId = await id(a);
      const page = await http.json<Json>("GET", `v1/agents/${enc(agentId)}/schedule`, {
        query: { limit: 1000 },
      });
      return (page.scheduled_messages as Json[]).map(scheduleFromLetta);
    },
    async deleteSchedule(a, sid) {
      await http.json("DELETE", `v1/agents/${enc(await id(a))}/schedule/${enc(sid)}`);
    },
    close: async () => {},
  };
}
