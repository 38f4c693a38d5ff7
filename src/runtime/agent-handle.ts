// AgentHandle: one agent's API — runs (send, stream, cancel), its messages, context and memory.
import { LmosError } from "../errors.ts";
import {
  type AgentEvent,
  compileView,
  type KernelRunResult,
  loadView,
  MessageCache,
} from "../kernel/index.ts";
import { newId, nowIso } from "../store/index.ts";
import type { BlockRecord, MessageRecord, RunRecord } from "../store/types.ts";
import { archivalApi } from "./archival-api.ts";
import { type RuntimeCore, agentView, resolveAgent } from "./core.ts";
import { eventStream } from "./event-stream.ts";
import type { AgentHandle, ContextBreakdown, InputMessage, RunOptions, RunResult } from "./types.ts";
import { blockPatchSchema, inputSchema, runOptionsSchema, validate, wakeReasonSchema } from "./validate.ts";

function toMessages(input: string | InputMessage[]): InputMessage[] {
  const valid = validate(inputSchema, input, "input");
  return typeof valid === "string" ? [{ role: "user", content: valid }] : valid;
}

/** Checks a block value against its character limit (the model gets the same rule from the memory tools). */
export function checkBlockLimit(label: string, value: string, limit: number): void {
  if (value.length > limit) {
    throw new LmosError(
      "invalid_argument",
      `block "${label}": value has ${value.length} characters, over its limit of ${limit}; shorten it or raise the limit`,
    );
  }
}

/** The handle of one agent. */
export function agentHandle(core: RuntimeCore, id: string): AgentHandle {
  const { store, runner } = core;
  const record = () => resolveAgent(core, id);

  async function result(run: KernelRunResult): Promise<RunResult> {
    const agent = await agentView(core, await record());
    return {
      runId: run.runId,
      stopReason: run.stopReason,
      messages: run.messages,
      events: run.events,
      usage: run.usage,
      agent,
      reply: run.replies.join("\n\n"),
      ...(run.error ? { error: run.error } : {}),
    };
  }

  async function block(label: string): Promise<BlockRecord> {
    const b = (await store.agentBlocks(id)).find((x) => x.label === label);
    if (!b) throw new LmosError("not_found", `agent ${id} has no memory block "${label}"`);
    return b;
  }

  return {
    id,
    async state() {
      return agentView(core, await record());
    },
    async send(input, options?: RunOptions) {
      const messages = toMessages(input);
      const opts = validate(runOptionsSchema, options, "options") ?? {};
      const run = await runner.run(
        id,
        { type: "messages", messages },
        {
          maxSteps: opts.maxSteps,
          signal: opts.signal,
        },
      );
      return result(run);
    },
    async start(input, options?: RunOptions) {
      const messages = toMessages(input);
      const opts = validate(runOptionsSchema, options, "options") ?? {};
      runner.deps.providerFor((await record()).model); // fail now, not in the background
      const run: RunRecord = {
        id: newId("run"),
        agentId: id,
        status: "created",
        stopReason: null,
        createdAt: nowIso(),
        completedAt: null,
      };
      await store.createRun(run);
      runner
        .run(
          id,
          { type: "messages", messages },
          { runId: run.id, maxSteps: opts.maxSteps, signal: opts.signal },
        )
        // The kernel ends every run it started; this one failed before starting (e.g. agent deleted).
        .catch(() =>
          store.updateRun(run.id, { status: "failed", stopReason: "error", completedAt: nowIso() }),
        )
        .catch(() => {
          // the run's agent is gone, and the run with it
        });
      return run;
    },
    async wake(reason?: string, options?: RunOptions) {
      const why = reason === undefined ? undefined : validate(wakeReasonSchema, reason, "reason");
      const opts = validate(runOptionsSchema, options, "options") ?? {};
      const run = await runner.run(
        id,
        { type: "wakeup", ...(why ? { reason: why } : {}) },
        { maxSteps: opts.maxSteps, signal: opts.signal },
      );
      return result(run);
    },
    stream(input, options?: RunOptions): AsyncIterable<AgentEvent> {
      return eventStream(async (push) => {
        const messages = toMessages(input);
        const opts = validate(runOptionsSchema, options, "options") ?? {};
        await runner.run(
          id,
          { type: "messages", messages },
          {
            maxSteps: opts.maxSteps,
            signal: opts.signal,
            streamTokens: opts.streamTokens ?? false,
            onEvent: push,
          },
        );
      });
    },
    async cancel(runId?: string) {
      return runner.cancel(id, runId);
    },
    async messages(query = {}): Promise<MessageRecord[]> {
      return store.listMessages(id, query);
    },
    async reset() {
      await runner.exclusive(id, () =>
        store.commitMessages(id, [], { inContextMessageIds: [], summary: "", pressureWarned: false }),
      );
    },
    async compact() {
      await runner.compact(id);
    },
    async context(): Promise<ContextBreakdown> {
      const view = await loadView(runner.deps, new MessageCache(), id);
      const compiled = await compileView(view, nowIso());
      const b = compiled.breakdown;
      return {
        contextWindow: view.contextWindow,
        total: b.total,
        system: b.system,
        coreMemory: b.coreMemory,
        summary: b.summary,
        messages: b.messages,
        tools: b.tools,
        inContextMessages: view.messages.length,
        recallMessages: view.counts.recallMessages,
        archivalPassages: view.counts.archivalPassages,
        systemPrompt: compiled.systemPrompt,
      };
    },
    memory: {
      list: () => store.agentBlocks(id),
      get: block,
      async update(label, patch) {
        const valid = validate(blockPatchSchema, patch, "patch");
        const current = await block(label);
        const value = valid.value ?? current.value;
        const limit = valid.limit ?? current.limit;
        checkBlockLimit(valid.label ?? label, value, limit);
        const updated = await store.updateBlock(current.id, { ...valid, updatedAt: nowIso() });
        if (valid.value !== undefined) await store.updateAgent(id, { memoryEditedAt: nowIso() });
        return updated;
      },
      async attach(blockId) {
        const b = await store.getBlock(blockId);
        if (!b) throw new LmosError("not_found", `block ${blockId} not found`);
        if ((await store.agentBlocks(id)).some((x) => x.label === b.label && x.id !== b.id)) {
          throw new LmosError("conflict", `agent ${id} already has a block labelled "${b.label}"`);
        }
        await store.attachBlock(id, blockId);
      },
      async detach(blockId) {
        await store.detachBlock(id, blockId);
      },
    },
    archival: archivalApi(core, id),
    tools: {
      list: () => store.agentTools(id),
      async attach(toolIdOrName) {
        const tool = (await store.getTool(toolIdOrName)) ?? (await store.getToolByName(toolIdOrName));
        if (!tool) throw new LmosError("not_found", `tool "${toolIdOrName}" not found`);
        await store.attachTool(id, tool.id);
      },
      async detach(toolIdOrName) {
        const tool = (await store.getTool(toolIdOrName)) ?? (await store.getToolByName(toolIdOrName));
        if (!tool) throw new LmosError("not_found", `tool "${toolIdOrName}" not found`);
        await store.detachTool(id, tool.id);
      },
    },
  };
}
