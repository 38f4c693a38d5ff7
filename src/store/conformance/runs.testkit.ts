// Conformance of RunStore (contract/runs.ts), part one: listing runs with filters and cursors, a run's
// messages, owners and orphaned runs (part two, the step commit, is steps.testkit.ts).
import { describe, expect, it } from "vitest";
import type { AgentStore, MessageStore, RunOwner, RunStore } from "../types.ts";
import {
  agent,
  at,
  expectCode,
  message,
  type Part,
  run,
  stepCommit,
  useStore,
  walk,
} from "./fixtures.testkit.ts";

/** Runs beyond create/get: listRuns, listRunMessages, runOwner and failOrphanRuns. */
export function runSuite(open: () => Promise<Part<AgentStore & MessageStore & RunStore>>): void {
  const store = useStore(open);

  async function twoAgents() {
    const a = agent();
    const b = agent({ name: "bo" });
    await store().createAgent(a, [], []);
    await store().createAgent(b, [], []);
    return { a, b };
  }

  describe("runs: lists, messages and orphans", () => {
    it("keeps a run's chain and lists the runs of one chain", async () => {
      const { a, b } = await twoAgents();
      const root = run(a.id, { createdAt: at(1) });
      const hop = run(b.id, {
        createdAt: at(2),
        chain: {
          id: root.id,
          depth: 1,
          parentRunId: root.id,
          senderAgentId: a.id,
          kind: "agent_message",
          waiting: [a.id],
        },
      });
      const alone = run(b.id, { createdAt: at(3) });
      await store().createRun(root);
      await store().createRun(hop);
      await store().commitMessages(b.id, [], {}, alone);
      expect(await store().getRun(hop.id)).toEqual(hop);
      expect((await store().getRun(alone.id))?.chain).toBeNull();
      expect((await store().listRuns({ chainId: root.id })).map((r) => r.id)).toEqual([hop.id]);
    });

    it("lists runs in created order with agent, status and stop-reason filters and cursors", async () => {
      const { a, b } = await twoAgents();
      const r1 = run(a.id, {
        createdAt: at(1),
        status: "completed",
        stopReason: "end_turn",
        completedAt: at(2),
      });
      const r2 = run(b.id, { createdAt: at(3) });
      const r3 = run(a.id, { createdAt: at(4), status: "created" });
      const r4 = run(a.id, { createdAt: at(5), status: "failed", stopReason: "llm_api_error" });
      for (const r of [r3, r1, r4, r2]) await store().createRun(r);
      const ids = async (q: Parameters<RunStore["listRuns"]>[0]) =>
        (await store().listRuns(q)).map((r) => r.id);
      expect(await ids({})).toEqual([r1.id, r2.id, r3.id, r4.id]);
      expect(await ids({ order: "desc", limit: 2 })).toEqual([r4.id, r3.id]);
      expect(await ids({ agentIds: [a.id] })).toEqual([r1.id, r3.id, r4.id]);
      expect(await ids({ agentIds: [a.id, b.id], statuses: ["created", "running"] })).toEqual([r2.id, r3.id]);
      expect(await ids({ stopReason: "llm_api_error" })).toEqual([r4.id]);
      expect(await ids({ agentIds: [] })).toEqual([]);
      expect(await ids({ after: r2.id })).toEqual([r3.id, r4.id]);
      expect(await ids({ before: r3.id, order: "desc" })).toEqual([r4.id]);
      expect(await ids({ after: "run-missing" })).toEqual([]);
      expect(await walk((after) => store().listRuns({ limit: 1, order: "desc", after }))).toEqual([
        r4.id,
        r3.id,
        r2.id,
        r1.id,
      ]);
      expect((await store().listRuns({ statuses: ["completed"] }))[0]).toEqual(r1);
    });

    it("lists a run's messages only, input first, in pages", async () => {
      const { a } = await twoAgents();
      const r = run(a.id, { createdAt: at(10) });
      const other = run(a.id, { createdAt: at(1) });
      await store().createRun(other);
      const before = message(a.id, "from another run", { runId: other.id, createdAt: at(2) });
      const input = message(a.id, "hello", { runId: r.id, createdAt: at(10) });
      await store().commitMessages(a.id, [before], {});
      await store().commitMessages(a.id, [input], {}, r);
      const reply = message(a.id, "hi there", { role: "assistant", runId: r.id, createdAt: at(11) });
      const later = message(a.id, "not in a run", { createdAt: at(12) });
      await store().commitStep(stepCommit(a.id, r.id, { messages: [reply, later] }));
      const ids = async (q = {}) => (await store().listRunMessages(r.id, q)).map((m) => m.id);
      expect(await ids()).toEqual([input.id, reply.id]);
      expect(await ids({ order: "desc", limit: 1 })).toEqual([reply.id]);
      expect(await ids({ after: input.id })).toEqual([reply.id]);
      expect((await store().listRunMessages(r.id, {}))[1]).toEqual(reply);
      expect(await store().listRunMessages("run-missing", {})).toEqual([]);
    });

    it("a run's start takes over the run created for it ahead, keeping its createdAt", async () => {
      const { a } = await twoAgents();
      const ahead = run(a.id, { status: "created", createdAt: at(1) });
      await store().createRun(ahead);
      const input = message(a.id, "go", { runId: ahead.id, createdAt: at(5) });
      await store().commitMessages(a.id, [input], {}, { ...ahead, status: "running", createdAt: at(5) });
      expect(await store().getRun(ahead.id)).toEqual({ ...ahead, status: "running" });
      await expect(store().createRun(ahead)).rejects.toThrow();
    });

    it("fails only the created or running runs whose owner is gone", async () => {
      const { a } = await twoAgents();
      const running = run(a.id);
      const queued = run(a.id, { status: "created" });
      const done = run(a.id, { status: "completed", stopReason: "end_turn", completedAt: at(3) });
      for (const r of [running, queued, done]) await store().createRun(r);
      const seen: Array<RunOwner | null> = [];
      const live = await store().failOrphanRuns((owner) => {
        seen.push(owner);
        return true;
      }, at(50));
      expect(live).toEqual([]);
      expect(seen).toEqual([store().runOwner, store().runOwner]);
      expect(store().runOwner).toMatchObject({ pid: expect.any(Number), token: expect.any(String) });

      const failed = await store().failOrphanRuns(() => false, at(60));
      const end = { status: "failed", stopReason: "error", completedAt: at(60) };
      expect(failed.map((r) => r.id).sort()).toEqual([running.id, queued.id].sort());
      expect(await store().getRun(running.id)).toEqual({ ...running, ...end });
      expect(await store().getRun(queued.id)).toEqual({ ...queued, ...end });
      expect(await store().getRun(done.id)).toEqual(done);
      // the agent's last stop reason tells a reader of the agent that its last run broke off
      expect(await store().getAgent(a.id)).toMatchObject({ lastStopReason: "error", lastRunAt: at(60) });
      expect(await store().failOrphanRuns(() => false, at(70))).toEqual([]);
      await expectCode(store().updateRun("run-missing", { status: "failed" }), "not_found");
    });
  });
}
