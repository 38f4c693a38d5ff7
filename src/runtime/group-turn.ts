// A message to a group, routed by its manager policy (Letta's letta/groups/*_multi_agent.py):
// round_robin — members speak in turn, each seeing what was said since it last spoke; supervisor — the
// manager gets the message and reaches its members with send_message_to_all_agents_in_group; dynamic —
// the manager names the next speaker each turn until a reply holds the termination token. Every run of
// a turn is one chain (kind "group", origin the group's id); members that did not speak last get the
// rest of the conversation into their windows, as Letta persists it.
import { LmosError } from "../errors.ts";
import type { KernelInputMessage, KernelRunResult } from "../kernel/index.ts";
import { newId, newMessageRecord, nowIso } from "../store/index.ts";
import type { AgentRecord, GroupRecord, MessageRecord, RunChain } from "../store/types.ts";
import type { GroupTurnResult } from "./coordination-types.ts";
import type { RuntimeCore } from "./core.ts";
import type { RunOptions } from "./input-types.ts";

type Said = KernelInputMessage;

interface Turn {
  core: RuntimeCore;
  group: GroupRecord;
  options: RunOptions;
  result: GroupTurnResult;
  chain: RunChain | null;
}

async function speak(turn: Turn, agent: AgentRecord, messages: Said[]): Promise<KernelRunResult> {
  const runId = newId("run");
  const prev = turn.chain;
  const chain: RunChain = {
    id: prev?.id ?? runId,
    depth: prev ? prev.depth + 1 : 0,
    parentRunId: prev ? prev.parentRunId : null,
    senderAgentId: prev?.senderAgentId ?? null,
    kind: "group",
    waiting: [],
    origin: turn.group.id,
  };
  const run = await turn.core.runner.run(
    agent.id,
    { type: "messages", messages },
    { runId, chain, maxSteps: turn.options.maxSteps, signal: turn.options.signal },
  );
  turn.chain = { ...chain, parentRunId: runId, senderAgentId: agent.id };
  turn.result.runs.push({
    agentId: agent.id,
    runId,
    stopReason: run.stopReason,
    replies: run.replies,
    usage: run.usage,
  });
  turn.result.messages.push(...run.messages);
  if (run.error)
    throw new LmosError("internal", `group ${turn.group.id}: ${agent.name} failed: ${run.error.message}`);
  return run;
}

/** A member's replies as the others hear them (Letta: system messages named after the speaker). */
const heard = (agent: AgentRecord, run: KernelRunResult): Said[] =>
  run.replies.map((content) => ({ role: "system", content, name: agent.name }));

/** Adds the conversation a member missed to its window, without a run (Letta persists it the same way). */
async function catchUp(core: RuntimeCore, agent: AgentRecord, missed: Said[]): Promise<void> {
  if (missed.length === 0) return;
  await core.runner.exclusive(agent.id, async () => {
    const current = await core.store.getAgent(agent.id);
    if (!current) return;
    const now = nowIso();
    const records: MessageRecord[] = missed.map((m) =>
      newMessageRecord({
        agentId: agent.id,
        role: "user",
        text:
          m.role === "system"
            ? JSON.stringify({
                type: "system_alert",
                message: `${m.name ?? "someone"}: ${m.content}`,
                time: now,
              })
            : m.content,
        kind: m.role === "system" ? "system_alert" : null,
        name: m.name ?? null,
        createdAt: now,
      }),
    );
    await core.store.commitMessages(agent.id, records, {
      inContextMessageIds: [...current.inContextMessageIds, ...records.map((r) => r.id)],
    });
  });
}

async function members(core: RuntimeCore, ids: string[]): Promise<AgentRecord[]> {
  const out: AgentRecord[] = [];
  for (const id of ids) {
    const a = await core.store.getAgent(id);
    if (!a) throw new LmosError("not_found", `group member ${id} not found`);
    out.push(a);
  }
  return out;
}

async function roundRobin(turn: Turn, input: Said[]): Promise<void> {
  const agents = await members(turn.core, turn.group.agentIds);
  if (agents.length === 0) throw new LmosError("invalid_argument", `group ${turn.group.id} has no members`);
  const history: Said[] = [];
  const seen = new Map<string, number>(agents.map((a) => [a.id, 0]));
  let fresh = input;
  let last: AgentRecord | null = null;
  for (let i = 0; i < (turn.group.maxTurns ?? agents.length); i++) {
    const speaker = agents[i % agents.length];
    history.push(...fresh);
    const run = await speak(turn, speaker, history.slice(seen.get(speaker.id)));
    fresh = heard(speaker, run);
    seen.set(speaker.id, history.length + fresh.length);
    last = speaker;
  }
  history.push(...fresh);
  for (const a of agents) if (a.id !== last?.id) await catchUp(turn.core, a, history.slice(seen.get(a.id)));
}

async function dynamic(turn: Turn, input: Said[]): Promise<void> {
  const { group } = turn;
  const manager = (await members(turn.core, [group.managerAgentId ?? ""]))[0];
  const agents = (await members(turn.core, group.agentIds)).filter((a) => a.id !== manager.id);
  const token = group.terminationToken ?? "DONE!";
  const history: Said[] = [];
  const seen = new Map<string, number>(agents.map((a) => [a.id, 0]));
  let fresh = input;
  let speaker: AgentRecord | null = null;
  for (let i = 0; i < (group.maxTurns ?? agents.length); i++) {
    const options = agents.filter((a) => a.id !== speaker?.id);
    const chat = [...history, ...fresh].map((m) => `${m.name ?? "user"}: ${m.content}`).join("\n");
    const ask = await speak(turn, manager, [
      {
        role: "user",
        content:
          "Choose the most suitable agent to reply to the latest message in the group chat from the following " +
          `options: ${JSON.stringify(options.map((a) => a.name))}. Do not respond to the messages yourself, your ` +
          `task is only to decide the next speaker, not to participate. \nChat history:\n${chat}`,
      },
    ]);
    const said = ask.replies.join("\n").toLowerCase();
    const next = options.find((a) => said.includes(a.name.toLowerCase()));
    if (!next)
      throw new LmosError(
        "invalid_argument",
        `group ${group.id}: the manager named no participant (${said || "no reply"})`,
      );
    speaker = next;
    history.push(...fresh);
    const run = await speak(turn, speaker, history.slice(seen.get(speaker.id)));
    fresh = heard(speaker, run);
    seen.set(speaker.id, history.length + fresh.length);
    if (fresh.some((m) => m.content.includes(token))) break;
  }
  history.push(...fresh);
  for (const a of agents)
    if (a.id !== speaker?.id) await catchUp(turn.core, a, history.slice(seen.get(a.id)));
}

/** Runs one message through the group. */
export async function groupTurn(
  core: RuntimeCore,
  group: GroupRecord,
  input: Said[],
  options: RunOptions = {},
): Promise<GroupTurnResult> {
  const turn: Turn = {
    core,
    group,
    options,
    result: { groupId: group.id, runs: [], messages: [] },
    chain: null,
  };
  if (group.managerType === "round_robin") await roundRobin(turn, input);
  else if (group.managerType === "dynamic") await dynamic(turn, input);
  else {
    // supervisor: the manager reaches its members with its group tool; sleeptime: the primary answers and
    // its companion follows in the background.
    const manager = (await members(core, [group.managerAgentId ?? ""]))[0];
    await speak(turn, manager, input);
  }
  return turn.result;
}
