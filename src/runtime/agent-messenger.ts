// Messages between agents (the multi-agent tools): a one-way message is a job on the one queue (so it
// survives a restart and any process serving the database may run it); a waited-for one runs the
// receiver now. Every message is a hop of a chain of runs: a chain has a depth budget and a run budget,
// and a waited-for message to an agent already waiting up the chain is refused (it would deadlock).
import { LmosError } from "../errors.ts";
import { DEFAULT_PROJECT, newId, nowIso } from "../store/index.ts";
import type { AgentRecord, RunChain, RunRecord } from "../store/types.ts";
import { type AgentMessageRequest, type AgentMessenger, ToolError } from "../tools/index.ts";
import type { RuntimeCore } from "./core.ts";
import type { JobHandler } from "./jobs/index.ts";

/** The queue of one-way messages between agents. */
export const AGENT_MESSAGE_QUEUE = "agent.message";

export interface ChainLimits {
  /** Hops a chain may make (a message from one agent to another is one hop). */
  maxDepth: number;
  /** Runs a chain may start, its first run included. */
  maxRuns: number;
  /** How long a waited-for message waits for the receiver's run before cancelling it. */
  replyTimeoutMs: number;
}

interface MessageJob {
  to: string;
  text: string;
  senderName: string;
  runId: string;
  chain: RunChain;
}

/** The messenger the kernel hands to the multi-agent tools. */
export function agentMessenger(core: RuntimeCore, limits: ChainLimits): AgentMessenger {
  const { store, runner, jobs } = core;

  // Agents of another project are out of reach, and read exactly like agents that do not exist.
  const projectOf = async (agentId: string) =>
    (await store.resourceProjects([agentId])).get(agentId) ?? DEFAULT_PROJECT;

  async function receiver(idOrName: string, from: AgentRecord): Promise<AgentRecord> {
    const a =
      (idOrName.startsWith("agent-") ? await store.getAgent(idOrName) : null) ??
      (await store.getAgentByName(idOrName));
    if (!a || (await projectOf(a.id)) !== (await projectOf(from.id))) {
      throw new ToolError(`Error: there is no agent "${idOrName}".`);
    }
    return a;
  }

  /** The chain of the receiver's run, or a ToolError when the message may not go. */
  async function hop(req: AgentMessageRequest, to: AgentRecord, waits: boolean): Promise<RunChain> {
    if (to.id === req.from.id) throw new ToolError("Error: an agent cannot send a message to itself.");
    const parent = req.chain;
    const chainId = parent?.id ?? req.runId;
    const depth = (parent?.depth ?? 0) + 1;
    const spent = (n: string) =>
      new ToolError(
        `Error: the message was not delivered: ${n} of chain ${chainId}. Do not send it again; answer with what you have.`,
      );
    if (depth > limits.maxDepth)
      throw spent(`it would be hop ${depth}, and a chain may make ${limits.maxDepth}`);
    // The chain's first run carries no chain record when something outside started it: count it too.
    const runs = (await store.listRuns({ chainId, limit: limits.maxRuns + 1 })).length + (parent ? 0 : 1);
    if (runs >= limits.maxRuns) throw spent(`the chain has started ${runs} runs, its limit`);
    const waiting = parent?.waiting ?? [];
    if (waits && waiting.includes(to.id)) {
      throw new ToolError(
        `Error: agent ${to.id} is waiting for your reply; answer it with send_message instead of messaging it.`,
      );
    }
    return {
      id: chainId,
      depth,
      parentRunId: req.runId,
      senderAgentId: req.from.id,
      kind: "agent_message",
      waiting: waits ? [...waiting, req.from.id] : waiting,
      ...(parent?.origin ? { origin: parent.origin } : {}),
    };
  }

  return {
    async send(req) {
      const to = await receiver(req.to, req.from);
      const chain = await hop(req, to, false);
      // The run exists from now on ("created"), so the chain shows it before it starts.
      const run: RunRecord = {
        id: newId("run"),
        agentId: to.id,
        status: "created",
        stopReason: null,
        createdAt: nowIso(),
        completedAt: null,
        chain,
      };
      await store.createRun(run);
      const payload: MessageJob = {
        to: to.id,
        text: req.text,
        senderName: req.from.name,
        runId: run.id,
        chain,
      };
      await jobs.enqueue(AGENT_MESSAGE_QUEUE, payload as unknown as Record<string, unknown>, {
        maxAttempts: 1,
      });
      return { runId: run.id };
    },
    async sendAndWait(req, timeoutMs = limits.replyTimeoutMs) {
      const to = await receiver(req.to, req.from);
      const chain = await hop(req, to, true);
      const runId = newId("run");
      const timer = setTimeout(() => runner.cancel(to.id, runId), timeoutMs);
      try {
        const r = await runner.run(
          to.id,
          { type: "messages", messages: [{ role: "system", content: req.text, name: req.from.name }] },
          { runId, chain },
        );
        if (r.stopReason === "cancelled") {
          throw new ToolError(
            `Error: agent ${to.id} did not reply within ${Math.round(timeoutMs / 1000)} s (run ${runId} cancelled).`,
          );
        }
        if (r.error) throw new ToolError(`Error: agent ${to.id} failed to reply: ${r.error.message}`);
        return { agentId: to.id, runId, replies: r.replies };
      } catch (e) {
        if (LmosError.is(e))
          throw new ToolError(`Error: agent ${to.id} cannot take the message: ${e.message}`);
        throw e;
      } finally {
        clearTimeout(timer);
      }
    },
    async matchingTags(matchAll, matchSome, except) {
      const project = await projectOf(except);
      const all = matchAll.length
        ? await store.listAgents({ tags: matchAll, matchAllTags: true, project })
        : await store.listAgents({ limit: 100, project });
      const some = new Set(matchSome);
      return all.filter((a) => a.id !== except && (some.size === 0 || a.tags.some((t) => some.has(t))));
    },
    async groupMembers(supervisorId) {
      const groups = (await store.agentGroups(supervisorId)).filter(
        (g) => g.managerType === "supervisor" && g.managerAgentId === supervisorId,
      );
      const ids = [...new Set(groups.flatMap((g) => g.agentIds))].filter((id) => id !== supervisorId);
      const project = await projectOf(supervisorId);
      const owners = await store.resourceProjects(ids);
      const mine = ids.filter((id) => (owners.get(id) ?? DEFAULT_PROJECT) === project);
      const members = await Promise.all(mine.map((id) => store.getAgent(id)));
      return members.filter((a): a is AgentRecord => a !== null);
    },
  };
}

/** Runs a one-way message: the receiver's run (created when it was sent) on the sender's text. */
export function agentMessageHandler(core: RuntimeCore): JobHandler {
  return async (job, signal) => {
    const m = job.payload as unknown as MessageJob;
    try {
      await core.runner.run(
        m.to,
        { type: "messages", messages: [{ role: "system", content: m.text, name: m.senderName }] },
        { runId: m.runId, chain: m.chain, signal },
      );
    } catch (e) {
      // It never started (the receiver was deleted, or waits for an approval): the run says so.
      const why = e instanceof Error ? e.message : String(e);
      await core.store
        .updateRun(m.runId, { status: "failed", stopReason: "error", completedAt: nowIso() })
        .catch(() => {});
      throw new Error(`the message to ${m.to} was not delivered: ${why}`);
    }
    return undefined;
  };
}
