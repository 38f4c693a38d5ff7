// Sleep-time companions (Letta's sleeptime groups, letta/groups/sleeptime_multi_agent_v4.py): an agent
// with one gets a companion sharing its memory blocks. After every N of the primary's turns, once the
// primary has been idle a while, a job on the one queue runs the companion on the conversation since its
// last pass; it reorganises the shared blocks, which the primary sees on its next step. The companion has
// its own queue, so the primary never waits for it; its edits are memory-edit events (agent.watch).
import { LmosError } from "../errors.ts";
import { type KernelRunResult, replyOf } from "../kernel/index.ts";
import { newId, nowIso } from "../store/index.ts";
import type { AgentRecord, GroupRecord, MessageRecord, Store } from "../store/types.ts";
import type { RuntimeCore } from "./core.ts";
import type { AgentEventBus } from "./event-bus.ts";
import type { JobHandler, JobRetry } from "./jobs/index.ts";
import type { CreateAgentInput, Lmos } from "./types.ts";

/** The queue of sleep-time passes. */
export const SLEEPTIME_QUEUE = "agent.sleeptime";

/** Letta's default: a pass after every fifth turn. */
export const DEFAULT_SLEEPTIME_FREQUENCY = 5;

const SLEEPTIME_SYSTEM = `You are a sleep-time memory agent. You run in the background, after the conversations of a primary agent with its user, and you keep that agent's memory blocks in order.

The memory blocks you see are the primary agent's own: whatever you write there, it reads in its next step. Review the conversation you are given and update the blocks with what is worth keeping: new facts about the user, decisions, corrections of what is outdated. Consolidate: merge duplicates, drop what is no longer true, keep each block readable and within its limit. Write exact dates and times, never "today" or "recently". Use core_memory_append and core_memory_replace for narrow edits and memory_rethink to rewrite a whole block. When nothing is worth changing, change nothing. When you are done, stop calling tools.`;

const SLEEPTIME_PERSONA =
  "I consolidate the primary agent's memory: I identify patterns, make careful inferences, and keep every block concise and current.";

/** What the companion is shown (Letta's system reminder, then the transcript). */
function passText(transcript: string): string {
  return [
    "<system-reminder>",
    "You are a sleeptime agent - a background agent that asynchronously processes conversations after they occur.",
    "",
    "IMPORTANT: You are NOT the primary agent. You are reviewing a conversation that already happened between a primary agent and its user:",
    '- Messages labeled "assistant" are from the primary agent (not you)',
    '- Messages labeled "user" are from the primary agent\'s user',
    "",
    "Your primary role is memory management. Review the conversation and use your memory tools to update any relevant memory blocks with information worth preserving. Check your memory_persona block for any additional instructions or policies.",
    "</system-reminder>",
    "",
    `Messages:\n${transcript}`,
  ].join("\n");
}

/** One stored message as a transcript line (Letta's stringify_message); kernel alerts and tool results are left out. */
function transcriptLine(m: MessageRecord, replyMode: "send_message" | "text"): string | null {
  const text = m.content
    .filter((p) => p.type === "text")
    .map((p) => (p as { text: string }).text)
    .join("\n");
  if (m.role === "user") return m.kind ? null : `${m.name ?? "user"}: ${text}`;
  if (m.role !== "assistant") return null;
  const lines = replyOf(m, replyMode).map((r) => `assistant: ${r}`);
  for (const c of m.toolCalls) if (c.name !== "send_message") lines.push(`assistant: Calling tool ${c.name}`);
  return lines.length ? lines.join("\n") : null;
}

/** The sleeptime group an agent is the primary of, if any. */
export async function sleeptimeGroupOf(store: Store, agentId: string): Promise<GroupRecord | null> {
  const groups = await store.agentGroups(agentId);
  return groups.find((g) => g.managerType === "sleeptime" && g.managerAgentId === agentId) ?? null;
}

/** Gives an agent a sleep-time companion (once): a new agent sharing its blocks, and their group. */
export async function enableSleeptime(
  core: RuntimeCore,
  agents: Lmos["agents"],
  primary: AgentRecord,
  frequency = DEFAULT_SLEEPTIME_FREQUENCY,
): Promise<GroupRecord> {
  const existing = await sleeptimeGroupOf(core.store, primary.id);
  if (existing) return existing;
  const blocks = await core.store.agentBlocks(primary.id);
  const input: CreateAgentInput = {
    name: `${primary.name}-sleeptime`,
    agentType: "sleeptime_agent",
    system: SLEEPTIME_SYSTEM,
    model: primary.model,
    embedding: primary.embedding,
    ...(primary.contextWindow ? { contextWindow: primary.contextWindow } : {}),
    memoryBlocks: blocks.some((b) => b.label === "memory_persona")
      ? []
      : [{ label: "memory_persona", value: SLEEPTIME_PERSONA }],
    blockIds: blocks.map((b) => b.id),
    settings: { heartbeats: true, replyMode: "text" },
    tags: ["sleeptime"],
  };
  const companion = await agents.create(input);
  const now = nowIso();
  const group: GroupRecord = {
    id: newId("group"),
    managerType: "sleeptime",
    agentIds: [companion.id],
    description: `sleep-time memory companion of ${primary.name}`,
    managerAgentId: primary.id,
    terminationToken: null,
    maxTurns: null,
    sleeptimeAgentFrequency: frequency,
    turnsCounter: 0,
    lastProcessedMessageId: null,
    sharedBlockIds: blocks.map((b) => b.id),
    createdAt: now,
    updatedAt: now,
  };
  await core.store.createGroup(group);
  return group;
}

/** After a primary's run: counts the turn and, every N turns, queues a pass for when it is idle. */
export function sleeptimeTrigger(core: RuntimeCore, idleMs: number): (run: KernelRunResult) => void {
  return (run) => {
    if (run.stopReason === "cancelled" || run.messages.length === 0) return;
    void (async () => {
      const group = await sleeptimeGroupOf(core.store, run.agentId);
      if (!group) return;
      const turns = await core.store.bumpGroupTurns(group.id);
      const every = group.sleeptimeAgentFrequency ?? 1;
      if (turns % every !== 0) return;
      // One pending pass per group: turns meanwhile are read by that pass.
      await core.jobs.enqueue(
        SLEEPTIME_QUEUE,
        { groupId: group.id },
        { key: `sleeptime:${group.id}`, runAt: new Date(Date.now() + idleMs).toISOString(), maxAttempts: 50 },
      );
    })().catch(() => {
      // the agent or its group went away meanwhile
    });
  };
}

/** Runs a pass once the primary is idle (no run of it in progress, none ended within idleMs). */
export function sleeptimeHandler(core: RuntimeCore, bus: AgentEventBus, idleMs: number): JobHandler {
  const { store, runner } = core;
  return async (job, signal): Promise<JobRetry | undefined> => {
    const group = await store.getGroup(String(job.payload.groupId));
    const primaryId = group?.managerAgentId;
    const companionId = group?.agentIds[0];
    if (!group || !primaryId || !companionId) return undefined;
    const primary = await store.getAgent(primaryId);
    if (!primary || !(await store.getAgent(companionId))) return undefined;
    const later = { retryAt: new Date(Date.now() + idleMs).toISOString() };
    const active = await store.listRuns({
      agentIds: [primaryId],
      statuses: ["created", "running"],
      limit: 1,
    });
    if (runner.busy(primaryId) || active.length > 0) return later;
    const quietSince = primary.lastRunAt ? Date.parse(primary.lastRunAt) : 0;
    if (Date.now() - quietSince < idleMs) return { retryAt: new Date(quietSince + idleMs).toISOString() };

    const messages = await store.listMessages(primaryId, {
      ...(group.lastProcessedMessageId ? { after: group.lastProcessedMessageId } : {}),
      order: "asc",
      limit: 500,
    });
    const lines = messages
      .map((m) => transcriptLine(m, primary.settings.replyMode))
      .filter((l): l is string => !!l);
    const lastId = messages.at(-1)?.id;
    if (lines.length > 0) {
      const runId = newId("run");
      const result = await runner.run(
        companionId,
        { type: "messages", messages: [{ role: "user", content: passText(lines.join("\n")) }] },
        {
          runId,
          signal,
          onEvent: (e) => bus.publish(primaryId, e),
          chain: {
            id: runId,
            depth: 0,
            parentRunId: null,
            senderAgentId: primaryId,
            kind: "sleeptime",
            waiting: [],
            origin: group.id,
          },
        },
      );
      if (result.error)
        throw new LmosError("internal", `sleep-time pass of ${primary.name}: ${result.error.message}`);
    }
    if (lastId) await store.updateGroup(group.id, { lastProcessedMessageId: lastId, updatedAt: nowIso() });
    return undefined;
  };
}
