// Conformance of ScheduleStore (contract/schedules.ts): an agent's schedules and the once-only firing.
import { describe, expect, it } from "vitest";
import type { AgentStore, JobStore, ScheduleStore, Store } from "../types.ts";
import { agent, at, expectCode, job, type Part, schedule, useStore, walk } from "./fixtures.testkit.ts";

/** Schedules and their firings. */
export function scheduleSuite(open: () => Promise<Part<AgentStore & ScheduleStore & JobStore>>): void {
  const store = useStore(open);

  async function withAgent(name = "sam") {
    const a = agent({ name });
    await store().createAgent(a, [], []);
    return a.id;
  }

  describe("schedules", () => {
    it("stores an agent's schedules, lists them per agent and deletes them with the agent", async () => {
      const a = await withAgent();
      const b = await withAgent("bo");
      const s1 = schedule(a, { createdAt: at(1) });
      const s2 = schedule(b, {
        createdAt: at(2),
        spec: { type: "recurring", cron: "*/5 * * * *", timezone: "Europe/Paris" },
      });
      const s3 = schedule(a, { createdAt: at(3) });
      for (const s of [s1, s2, s3]) await store().createSchedule(s);
      expect(await store().getSchedule(s2.id)).toEqual(s2);
      expect((await store().listSchedules({ agentId: a })).map((s) => s.id)).toEqual([s1.id, s3.id]);
      expect(await walk((after) => store().listSchedules({ after, limit: 2 }))).toEqual([
        s1.id,
        s2.id,
        s3.id,
      ]);
      await expectCode(store().createSchedule(schedule("agent-missing")), "not_found");
      expect(await store().deleteSchedule(s3.id)).toBe(true);
      expect(await store().deleteSchedule(s3.id)).toBe(false);
      await store().deleteAgent(a);
      expect((await store().listSchedules({})).map((s) => s.id)).toEqual([s2.id]);
    });

    it("lists due schedules soonest first, and fires one once: moves it on and queues its job", async () => {
      const a = await withAgent();
      const soon = schedule(a, { nextRunAt: at(100) });
      const later = schedule(a, { nextRunAt: at(200) });
      const done = schedule(a, { nextRunAt: null, lastFiredAt: at(50) });
      for (const s of [later, soon, done]) await store().createSchedule(s);
      expect((await store().dueSchedules(at(150), 10)).map((s) => s.id)).toEqual([soon.id]);
      expect((await store().dueSchedules(at(300), 10)).map((s) => s.id)).toEqual([soon.id, later.id]);
      const firing = job({ queue: "agent.wake", key: `schedule:${soon.id}:${at(100)}` });
      expect(await store().fireSchedule(soon.id, at(100), at(400), firing)).toBe(true);
      expect(await store().getSchedule(soon.id)).toMatchObject({ nextRunAt: at(400), lastFiredAt: at(100) });
      expect((await store().listJobs({ queues: ["agent.wake"] })).map((j) => j.id)).toEqual([firing.id]);
      // Whoever saw the same due time and comes second fires nothing.
      expect(await store().fireSchedule(soon.id, at(100), at(400), job({ queue: "agent.wake" }))).toBe(false);
      expect(await store().listJobs({ queues: ["agent.wake"] })).toHaveLength(1);
      // A one-time schedule ends: nothing due any more.
      expect(await store().fireSchedule(later.id, at(200), null, job({ queue: "agent.wake" }))).toBe(true);
      expect((await store().dueSchedules(at(300), 10)).map((s) => s.id)).toEqual([]);
      expect(await store().fireSchedule("scheduled_message-missing", at(1), null, job())).toBe(false);
    });
  });
}

/** Two stores on one database that both see a due schedule fire it once between them. */
export function scheduleConcurrencySuite(openPersistent: () => { open: () => Promise<Store> }): void {
  it("schedules: two stores racing to fire the same due schedule fire it once", async () => {
    const db = openPersistent();
    const [a, b] = [await db.open(), await db.open()];
    try {
      const ag = agent();
      await a.createAgent(ag, [], []);
      const s = schedule(ag.id, { nextRunAt: at(100) });
      await a.createSchedule(s);
      const [seenA] = await a.dueSchedules(at(150), 1);
      const [seenB] = await b.dueSchedules(at(150), 1);
      expect(seenA.id).toBe(seenB.id);
      const fired = await Promise.all([
        a.fireSchedule(s.id, seenA.nextRunAt!, at(500), job({ queue: "agent.wake" })),
        b.fireSchedule(s.id, seenB.nextRunAt!, at(500), job({ queue: "agent.wake" })),
      ]);
      expect(fired.filter(Boolean)).toHaveLength(1);
      expect(await b.listJobs({ queues: ["agent.wake"] })).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
}
