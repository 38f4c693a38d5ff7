// Conformance of GroupStore (contract/groups.ts): groups, an agent's groups, the turn counter.
import { describe, expect, it } from "vitest";
import type { AgentStore, GroupStore } from "../types.ts";
import { agent, at, expectCode, group, type Part, useStore } from "./fixtures.testkit.ts";

/** Multi-agent groups. */
export function groupSuite(open: () => Promise<Part<AgentStore & GroupStore>>): void {
  const store = useStore(open);

  describe("groups", () => {
    it("stores groups with ordered members, finds an agent's groups, updates and deletes them", async () => {
      const [a, b, c] = [agent({ name: "a" }), agent({ name: "b" }), agent({ name: "c" })];
      for (const x of [a, b, c]) await store().createAgent(x, [], []);
      const team = group([b.id, a.id], { createdAt: at(1) });
      const led = group([c.id], {
        managerType: "supervisor",
        managerAgentId: a.id,
        createdAt: at(2),
        sharedBlockIds: ["block-x"],
      });
      await store().createGroup(team);
      await store().createGroup(led);
      expect(await store().getGroup(team.id)).toEqual(team);
      expect((await store().agentGroups(a.id)).map((g) => g.id)).toEqual([team.id, led.id]);
      expect((await store().agentGroups(c.id)).map((g) => g.id)).toEqual([led.id]);
      expect((await store().listGroups({ managerType: "supervisor" })).map((g) => g.id)).toEqual([led.id]);
      const moved = await store().updateGroup(team.id, { agentIds: [a.id, b.id, c.id], maxTurns: 4 });
      expect(moved).toMatchObject({ agentIds: [a.id, b.id, c.id], maxTurns: 4 });
      await expectCode(store().createGroup(group(["agent-missing"])), "not_found");
      await store().deleteGroup(led.id);
      expect(await store().getGroup(led.id)).toBeNull();
      await expectCode(store().deleteGroup(led.id), "not_found");
      await expectCode(store().updateGroup(led.id, { maxTurns: 1 }), "not_found");
    });

    it("counts turns one at a time", async () => {
      const a = agent();
      await store().createAgent(a, [], []);
      const g = group([a.id], { managerType: "sleeptime", managerAgentId: a.id, sleeptimeAgentFrequency: 2 });
      await store().createGroup(g);
      expect(await Promise.all([1, 2, 3].map(() => store().bumpGroupTurns(g.id)))).toEqual([1, 2, 3]);
      expect((await store().getGroup(g.id))?.turnsCounter).toBe(3);
      await expectCode(store().bumpGroupTurns("group-missing"), "not_found");
    });
  });
}
