// Conformance: agent leases (one runner per agent among processes) and the fencing of commits by them.
import { describe, expect, it } from "vitest";
import type { AgentLease, LeaseHolder, Store } from "../types.ts";
import { agent, expectCode, message, run, stepCommit, useStore } from "./fixtures.testkit.ts";

/** acquire / renew / release, take-over, fences on commits. */
export function leaseSuite(open: () => Promise<Store>): void {
  const store = useStore(open);
  const never = (_: LeaseHolder) => false;

  async function setup() {
    const a = agent();
    await store().createAgent(a, [], []);
    return a;
  }

  async function take(agentId: string, holder: string, ttlMs = 60_000, canTakeOver = never) {
    const got = await store().acquireAgentLease(agentId, holder, ttlMs, canTakeOver);
    if (!("lease" in got)) throw new Error(`lease held by ${got.heldBy.holder}`);
    return got.lease;
  }

  describe("agent leases", () => {
    it("one holder at a time; the next acquisition after release gets a larger fence", async () => {
      const a = await setup();
      const first = await take(a.id, "h1");
      expect(first.agentId).toBe(a.id);
      expect(first.expiresAt).toBeGreaterThan(Date.now());
      const refused = await store().acquireAgentLease(a.id, "h2", 60_000, never);
      expect(refused).toMatchObject({
        heldBy: { holder: "h1", fence: first.fence, owner: store().runOwner },
      });
      await store().releaseAgentLease(first);
      const second = await take(a.id, "h2");
      expect(second.fence).toBeGreaterThan(first.fence);
    });

    it("a lapsed lease, or one whose holder canTakeOver judges gone, is taken over", async () => {
      const a = await setup();
      const lapsing = await take(a.id, "h1", 30);
      await new Promise((r) => setTimeout(r, 60));
      const after = await take(a.id, "h2");
      expect(after.fence).toBeGreaterThan(lapsing.fence);
      // h1 lost it: its renewal and release change nothing
      expect(await store().renewAgentLease(lapsing, 60_000)).toBeNull();
      await store().releaseAgentLease(lapsing);
      expect(await store().acquireAgentLease(a.id, "h3", 60_000, never)).toMatchObject({
        heldBy: { holder: "h2" },
      });
      const dead = await take(a.id, "h3", 60_000, (h) => h.holder === "h2");
      expect(dead.fence).toBeGreaterThan(after.fence);
    });

    it("renewal extends a lease still held", async () => {
      const a = await setup();
      const lease = await take(a.id, "h1", 50);
      const renewed = (await store().renewAgentLease(lease, 60_000)) as AgentLease;
      expect(renewed.fence).toBe(lease.fence);
      await new Promise((r) => setTimeout(r, 80));
      expect(await store().acquireAgentLease(a.id, "h2", 60_000, never)).toMatchObject({
        heldBy: { holder: "h1" },
      });
    });

    it("not_found for an unknown agent", async () => {
      await expectCode(store().acquireAgentLease("agent-missing", "h", 1000, never), "not_found");
    });

    it("commits are fenced: a holder that lost its lease stores nothing; release rides on a commit", async () => {
      const a = await setup();
      const r = run(a.id);
      await store().createRun(r);
      const old = await take(a.id, "h1", 30);
      await new Promise((res) => setTimeout(res, 60));
      const current = await take(a.id, "h2");
      const late = message(a.id, "from the stalled holder", { runId: r.id });
      await expectCode(
        store().commitStep(stepCommit(a.id, r.id, { messages: [late], lease: { fence: old.fence } })),
        "conflict",
      );
      await expectCode(store().commitMessages(a.id, [late], {}, undefined, { fence: old.fence }), "conflict");
      expect(await store().getMessages([late.id])).toEqual([]);

      const ok = message(a.id, "from the holder", { runId: r.id });
      await store().commitStep(
        stepCommit(a.id, r.id, { messages: [ok], lease: { fence: current.fence, release: true } }),
      );
      expect(await store().getMessages([ok.id])).toHaveLength(1);
      // released with the commit: the next holder gets it at once
      expect((await take(a.id, "h3")).fence).toBeGreaterThan(current.fence);
    });
  });
}
