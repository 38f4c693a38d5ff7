// AgentHandle: one agent's API — runs (send, stream, cancel), its messages, context and memory.
import { LmosError } from "../errors.ts";
import {
  type AgentEvent,
  checkPending,
  compileView,
  type KernelRunResult,
  loadView,
  MessageCache,
  type RunInput,
} from "../kernel/index.ts";
import { pressureThresholds } from "../context/index.ts";
import { newId, nowIso } from "../store/index.ts";
import type { BlockRecord, MessageRecord, RunRecord } from "../store/types.ts";
import { archivalApi } from "./archival-api.ts";
import { recallApi } from "./recall-api.ts";
import { schedulesApi } from "./schedules-api.ts";
import { type RuntimeCore, agentView, resolveAgent } from "./core.ts";
import { eventStream } from "./event-stream.ts";
import type { AgentHandle, AgentInput, ContextBreakdown, RunOptions, RunResult } from "./types.ts";
import {
  approvalInputSchema,
  blockEditSchema,
  blockPatchSchema,
  inputSchema,
  runOptionsSchema,
  wakeReasonSchema,
} from "./validate.ts";
import type { Check } from "./validate.ts";
import { setApprovalRule, withApprovalRules } from "./tool-rules.ts";

/** The kernel's run input for text, messages, or an approval. */
function toRunInput(check: Check, input: AgentInput): RunInput {
  if (input !== null && typeof input === "object" && !Array.isArray(input)) {
    return { type: "approval", approvals: check(approvalInputSchema, input, "input").approvals };
  }
  const valid = check(inputSchema, input, "input");
  return {
    type: "messages",
    messages: typeof valid === "string" ? [{ role: "user", content: valid }] : valid,
  };
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
  const { store, runner, check } = core;
  const record = () => resolveAgent(core, id);

  // The run carries out what rendering its messages needs (the reply mode): no re-read of the agent.
  function result(run: KernelRunResult): RunResult {
    return {
      runId: run.runId,
      stopReason: run.stopReason,
      messages: run.messages,
      events: run.events,
      usage: run.usage,
      replyMode: run.replyMode,
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
      const runInput = toRunInput(check, input);
      const opts = check(runOptionsSchema, options, "options") ?? {};
      const run = await runner.run(id, runInput, {
        maxSteps: opts.maxSteps,
        signal: opts.signal,
      });
      return result(run);
    },
    async start(input, options?: RunOptions) {
      const runInput = toRunInput(check, input);
      const opts = check(runOptionsSchema, options, "options") ?? {};
      const agent = await record();
      runner.deps.providerFor(agent.model); // fail now, not in the background
      checkPending(agent, runInput);
      const run: RunRecord = {
        id: newId("run"),
        agentId: id,
        status: "created",
        stopReason: null,
        createdAt: nowIso(),
        completedAt: null,
        chain: null,
      };
      await store.createRun(run);
      runner
        .run(id, runInput, { runId: run.id, maxSteps: opts.maxSteps, signal: opts.signal })
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
      const why = reason === undefined ? undefined : check(wakeReasonSchema, reason, "reason");
      const opts = check(runOptionsSchema, options, "options") ?? {};
      const run = await runner.run(
        id,
        { type: "wakeup", ...(why ? { reason: why } : {}) },
        { maxSteps: opts.maxSteps, signal: opts.signal },
      );
      return result(run);
    },
    stream(input, options?: RunOptions): AsyncIterable<AgentEvent> {
      return eventStream(async (push) => {
        const runInput = toRunInput(check, input);
        const opts = check(runOptionsSchema, options, "options") ?? {};
        await runner.run(id, runInput, {
          maxSteps: opts.maxSteps,
          signal: opts.signal,
          streamTokens: opts.streamTokens ?? false,
          onEvent: push,
        });
      });
    },
    async cancel(runId?: string) {
      return runner.cancel(id, runId);
    },
    async messages(query = {}): Promise<MessageRecord[]> {
      return store.listMessages(id, query);
    },
    async reset() {
      // A paused run's held calls leave with the window they were in.
      await runner.exclusive(id, () =>
        store.commitMessages(id, [], {
          inContextMessageIds: [],
          summary: "",
          pressureWarned: false,
          pendingApproval: null,
        }),
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
        files: b.files,
        summary: b.summary,
        messages: b.messages,
        tools: b.tools,
        inContextMessages: view.messages.length,
        recallMessages: view.counts.recallMessages,
        archivalPassages: view.counts.archivalPassages,
        systemPrompt: compiled.systemPrompt,
        ...pressureThresholds(view.contextWindow, view.agent.settings.warnFraction),
      };
    },
    memory: {
      list: () => store.agentBlocks(id),
      get: block,
      async update(label, patch) {
        const valid = check(blockPatchSchema, patch, "patch");
        const current = await block(label);
        const value = valid.value ?? current.value;
        const limit = valid.limit ?? current.limit;
        checkBlockLimit(valid.label ?? label, value, limit);
        // One write: the store stamps memoryEditedAt on the agents of a block whose value changed, and
        // refuses a label another block of theirs has.
        return store.updateBlock(current.id, { ...valid, updatedAt: nowIso() });
      },
      async edit(label, op) {
        const b = await block(label);
        return store.editBlock({ ...check(blockEditSchema, op, "edit"), blockId: b.id }, nowIso());
      },
      async attach(blockId) {
        const b = await store.getBlock(blockId);
        if (!b) throw new LmosError("not_found", `block ${blockId} not found`);
        await store.attachBlock(id, blockId); // refuses a label the agent has already (invalid_argument)
      },
      async detach(blockId) {
        await store.detachBlock(id, blockId);
      },
    },
    archival: archivalApi(core, id),
    schedules: schedulesApi(store, id, check),
    watch: (listen) => core.events.subscribe(id, listen),
    recall: recallApi(core, id),
    tools: {
      list: () => store.agentTools(id),
      async attach(toolIdOrName) {
        const tool = (await store.getTool(toolIdOrName)) ?? (await store.getToolByName(toolIdOrName));
        if (!tool) throw new LmosError("not_found", `tool "${toolIdOrName}" not found`);
        await store.attachTool(id, tool.id);
        // Letta: a tool whose default_requires_approval is set asks for approval on every agent it joins.
        if (tool.defaultRequiresApproval) {
          const agent = await record();
          const rules = withApprovalRules(agent.toolRules, [tool]);
          if (rules !== agent.toolRules)
            await store.updateAgent(id, { toolRules: rules, updatedAt: nowIso() });
        }
      },
      async detach(toolIdOrName) {
        const tool = (await store.getTool(toolIdOrName)) ?? (await store.getToolByName(toolIdOrName));
        if (!tool) throw new LmosError("not_found", `tool "${toolIdOrName}" not found`);
        await store.detachTool(id, tool.id);
      },
      async setApproval(toolName, requiresApproval) {
        if (typeof requiresApproval !== "boolean") {
          throw new LmosError("invalid_argument", "requires_approval: give true or false");
        }
        await runner.exclusive(id, async () => {
          const agent = await record();
          const rules = setApprovalRule(agent.toolRules, toolName, requiresApproval);
          if (rules !== agent.toolRules)
            await store.updateAgent(id, { toolRules: rules, updatedAt: nowIso() });
        });
      },
    },
  };
}
