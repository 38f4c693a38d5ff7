// Conformance of JobStore (contract/jobs.ts): keys, claims under leases, retries and ends.
import { describe, expect, it } from "vitest";
import type { JobStore, Store } from "../types.ts";
import { at, job, type Part, useStore } from "./fixtures.testkit.ts";

const claim = (over: Partial<Parameters<JobStore["claimJobs"]>[0]> = {}) => ({
  queues: ["test.work"],
  worker: "w1",
  now: at(10),
  lockedUntil: at(1010),
  limit: 10,
  ...over,
});

/** The job queue's rows. */
export function jobSuite(open: () => Promise<Part<JobStore>>): void {
  const store = useStore(open);

  describe("jobs", () => {
    it("keeps one unfinished job per key, and frees the key when the job ends", async () => {
      const first = job({ key: "k", runAt: at(-5) });
      expect(await store().enqueueJob(first)).toBe(true);
      expect(await store().enqueueJob(job({ key: "k" }))).toBe(false);
      expect(await store().enqueueJob(job({ key: null }))).toBe(true);
      expect(await store().enqueueJob(job({ key: null }))).toBe(true);
      const [held] = await store().claimJobs(claim({ limit: 1 }));
      expect(held.id).toBe(first.id);
      expect(await store().enqueueJob(job({ key: "k" }))).toBe(false); // running still holds it
      expect(await store().finishJob(first.id, "w1", { status: "completed" })).toBe(true);
      expect(await store().getJob(first.id)).toBeNull(); // a completed job leaves no row
      expect(await store().enqueueJob(job({ key: "k" }))).toBe(true);
    });

    it("claims due jobs of the asked queues, oldest runAt first, each for one worker", async () => {
      const late = job({ runAt: at(5) });
      const early = job({ runAt: at(1) });
      const future = job({ runAt: at(100) });
      const other = job({ queue: "other" });
      for (const j of [late, early, future, other]) await store().enqueueJob(j);
      const got = await store().claimJobs(claim());
      expect(got.map((j) => j.id)).toEqual([early.id, late.id]);
      expect(got[0]).toMatchObject({ status: "running", lockedBy: "w1", lockedUntil: at(1010), attempts: 1 });
      expect(await store().claimJobs(claim({ worker: "w2" }))).toEqual([]);
      expect(
        (await store().claimJobs(claim({ now: at(200), lockedUntil: at(1200) }))).map((j) => j.id),
      ).toEqual([future.id]);
      expect((await store().listJobs({ queues: ["other"] })).map((j) => j.id)).toEqual([other.id]);
      expect((await store().listJobs({ statuses: ["running"] })).length).toBe(3);
    });

    it("frees a job whose lease ended for another worker, and fails it once no attempts are left", async () => {
      const j = job({ maxAttempts: 2 });
      await store().enqueueJob(j);
      await store().claimJobs(claim());
      expect(await store().extendJob(j.id, "w2", at(5000))).toBe(false);
      expect(await store().extendJob(j.id, "w1", at(2000))).toBe(true);
      expect(await store().claimJobs(claim({ worker: "w2", now: at(1500) }))).toEqual([]);
      const [again] = await store().claimJobs(claim({ worker: "w2", now: at(2001), lockedUntil: at(3000) }));
      expect(again).toMatchObject({ id: j.id, lockedBy: "w2", attempts: 2 });
      expect(await store().finishJob(j.id, "w1", { status: "completed" })).toBe(false); // lost its lease
      expect(await store().claimJobs(claim({ worker: "w3", now: at(3001) }))).toEqual([]);
      expect(await store().getJob(j.id)).toMatchObject({ status: "failed", lockedBy: null });
    });

    it("puts a job back for a retry at a later time, or fails it with its error", async () => {
      const j = job();
      await store().enqueueJob(j);
      await store().claimJobs(claim());
      expect(await store().finishJob(j.id, "w1", { status: "queued", runAt: at(50), error: "busy" })).toBe(
        true,
      );
      expect(await store().getJob(j.id)).toMatchObject({ status: "queued", runAt: at(50), error: "busy" });
      expect(await store().claimJobs(claim({ now: at(49) }))).toEqual([]);
      expect(await store().claimJobs(claim({ now: at(50) }))).toHaveLength(1);
      expect(await store().finishJob(j.id, "w1", { status: "failed", error: "boom" })).toBe(true);
      expect(await store().getJob(j.id)).toMatchObject({ status: "failed", error: "boom", attempts: 2 });
    });
  });
}

/** Two stores on one database claim every job once between them. */
export function jobConcurrencySuite(openPersistent: () => { open: () => Promise<Store> }): void {
  it("jobs: two stores on one database never claim the same job", async () => {
    const db = openPersistent();
    const [a, b] = [await db.open(), await db.open()];
    try {
      for (let i = 0; i < 20; i++) await a.enqueueJob(job());
      const [x, y] = await Promise.all([
        a.claimJobs(claim({ worker: "a", limit: 15 })),
        b.claimJobs(claim({ worker: "b", limit: 15 })),
      ]);
      const ids = [...x, ...y].map((j) => j.id);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    } finally {
      await a.close();
      await b.close();
    }
  });
}
