// The CLI over the library: lmos opened on $LMOS_HOME (or --home) in this process.
import type { AgentView, Lmos } from "../../runtime/index.ts";
import { openLmos } from "../../runtime/index.ts";
import { exportAgentFile, importAgentFile } from "../../server/index.ts";
import type { BlockRecord, PassageRecord, RunRecord, ScheduleRecord } from "../../store/types.ts";
import { toLettaMessages } from "./letta-messages.ts";
import { allPages } from "./pages.ts";
import { chatEventTranslator } from "./local-events.ts";
import type { Backend, CliAgent, CliBlock, CliPassage, CliRun, CliSchedule } from "./types.ts";

/** A schedule as the CLI shows it. */
export function scheduleOf(s: ScheduleRecord): CliSchedule {
  const messages = (s.payload as { messages?: Array<{ content: string }> }).messages ?? [];
  return {
    id: s.id,
    agentId: s.agentId,
    when: s.spec.type === "recurring" ? s.spec.cron : s.spec.at,
    recurring: s.spec.type === "recurring",
    nextRunAt: s.nextRunAt,
    message: messages.map((m) => m.content).join("\n") || null,
  };
}

function block(b: BlockRecord): CliBlock {
  return { id: b.id, label: b.label, value: b.value, limit: b.limit, description: b.description };
}

function passage(p: PassageRecord, score?: number): CliPassage {
  return {
    id: p.id,
    text: p.text,
    tags: p.tags,
    createdAt: p.createdAt,
    ...(score !== undefined ? { score } : {}),
  };
}

function run(r: RunRecord): CliRun {
  const { id, agentId, status, stopReason, createdAt, completedAt } = r;
  return { id, agentId, status, stopReason, createdAt, completedAt };
}

function agent(v: AgentView): CliAgent {
  const a = v.record;
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    model: a.model,
    embedding: a.embedding,
    contextWindow: v.model.contextWindow,
    blocks: v.blocks.map(block),
    tools: v.tools.map((t) => t.name),
    sources: v.sources.map((s) => s.name),
    tags: a.tags,
    createdAt: a.createdAt,
  };
}

/** Opens lmos in this process and wraps it as a Backend. */
export async function openLocalBackend(options: {
  home?: string;
  model?: string;
  env?: Record<string, string | undefined>;
  /** Take background work (schedules, agents' messages, sleep-time passes) while open. */
  background?: boolean;
}): Promise<Backend> {
  const lmos: Lmos = await openLmos({
    home: options.home,
    model: options.model,
    env: options.env,
    background: options.background ?? false,
  });
  const handle = (idOrName: string) => lmos.agents.get(idOrName);

  return {
    where: "local",
    async listAgents() {
      const views = await allPages(
        200,
        (after) => lmos.agents.list({ limit: 200, order: "asc", ...(after ? { after } : {}) }),
        (v) => v.record.id,
      );
      return views.map(agent);
    },
    async createAgent(o) {
      const h = await lmos.agents.create({
        name: o.name,
        ...(o.model ? { model: o.model } : {}),
        ...(o.embedding ? { embedding: o.embedding } : {}),
      });
      // Set persona/human on top of the defaults, so giving one keeps the default of the other.
      if (o.persona !== undefined) await h.memory.update("persona", { value: o.persona });
      if (o.human !== undefined) await h.memory.update("human", { value: o.human });
      return agent(await h.state());
    },
    async updateAgent(idOrName, patch) {
      return agent(await lmos.agents.update(idOrName, patch));
    },
    async getAgent(idOrName) {
      return agent(await (await handle(idOrName)).state());
    },
    async findAgent(idOrName) {
      try {
        return agent(await (await handle(idOrName)).state());
      } catch (e) {
        if ((e as { code?: string }).code === "not_found") return null;
        throw e;
      }
    },
    async deleteAgent(idOrName) {
      await lmos.agents.delete(idOrName);
    },
    async blocks(a) {
      return (await (await handle(a)).memory.list()).map(block);
    },
    async block(a, label) {
      return block(await (await handle(a)).memory.get(label));
    },
    async setBlock(a, label, value) {
      return block(await (await handle(a)).memory.update(label, { value }));
    },
    async archivalInsert(a, text, tags) {
      return (await (await handle(a)).archival.insert(text, tags)).map((p) => passage(p));
    },
    async archivalSearch(a, query, o) {
      const hits = await (await handle(a)).archival.search(query, {
        ...(o.tags?.length ? { tags: o.tags } : {}),
        ...(o.limit ? { limit: o.limit } : {}),
      });
      return hits.map((h) => passage(h.passage, h.score));
    },
    async send(a, message, o = {}) {
      const h = await handle(a);
      const r = await h.send(message, { ...(o.maxSteps ? { maxSteps: o.maxSteps } : {}), signal: o.signal });
      return {
        agentId: h.id,
        runId: r.runId,
        reply: r.reply,
        stopReason: r.stopReason,
        usage: { ...r.usage },
        // Like Letta, the input is not echoed: these are the messages the agent produced.
        messages: r.messages.filter((m) => m.stepId !== null).flatMap((m) => toLettaMessages(m, r.replyMode)),
        ...(r.error ? { error: r.error } : {}),
      };
    },
    async listRuns(o) {
      const agentIds = o.agent ? [(await handle(o.agent)).id] : undefined;
      const statuses = o.statuses?.length ? (o.statuses as RunRecord["status"][]) : undefined;
      const runs = await lmos.runs.list({ order: "desc", limit: o.limit ?? 20, agentIds, statuses });
      return runs.map(run);
    },
    async run(id) {
      const r = await lmos.runs.get(id);
      const replyMode = (await (await handle(r.agentId)).state()).record.settings.replyMode;
      const records = await allPages(
        500,
        (after) => lmos.runs.messages(id, { order: "asc", limit: 500, after }),
        (m) => m.id,
      );
      return { run: run(r), messages: records.flatMap((m) => toLettaMessages(m, replyMode)) };
    },
    async *stream(a, message, o = {}) {
      const h = await handle(a);
      const translate = chatEventTranslator((await h.state()).record.settings.replyMode);
      const events = h.stream(message, {
        streamTokens: true,
        ...(o.maxSteps ? { maxSteps: o.maxSteps } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      for await (const e of events) yield* translate(e);
    },
    async context(a) {
      const c = await (await handle(a)).context();
      return {
        contextWindow: c.contextWindow,
        total: c.total,
        system: c.system,
        coreMemory: c.coreMemory,
        files: c.files,
        summary: c.summary,
        messages: c.messages,
        tools: c.tools,
        inContextMessages: c.inContextMessages,
        recallMessages: c.recallMessages,
        archivalPassages: c.archivalPassages,
      };
    },
    async reset(a) {
      await (await handle(a)).reset();
    },
    async exportAgent(a, o) {
      return exportAgentFile(lmos, a, o);
    },
    importAgents: (text, o) => importAgentFile(lmos, text, o),
    async createSchedule(a, o) {
      const h = await handle(a);
      const created = await h.schedules.create({
        ...(o.cron ? { cron: o.cron } : {}),
        ...(o.at ? { at: o.at } : {}),
        ...(o.timezone ? { timezone: o.timezone } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.message ? { messages: [{ role: "user" as const, content: o.message }] } : {}),
      });
      return scheduleOf(created);
    },
    async listSchedules(a) {
      return (await (await handle(a)).schedules.list()).map(scheduleOf);
    },
    async deleteSchedule(a, id) {
      await (await handle(a)).schedules.delete(id);
    },
    close: () => lmos.close(),
  };
}
