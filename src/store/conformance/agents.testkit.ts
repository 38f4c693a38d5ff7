// Conformance of AgentStore (contract/agents.ts): agents, and blocks shared across agents.
import { describe, expect, it } from "vitest";
import type { AgentStore } from "../types.ts";
import { agent, at, block, expectCode, type Part, useStore, walk } from "./fixtures.testkit.ts";

/** Agents and blocks. */
export function agentSuite(open: () => Promise<Part<AgentStore>>): void {
  const store = useStore(open);

  describe("agents", () => {
    it("creates, reads back every field, updates and deletes", async () => {
      const a = agent({ tags: ["x"], metadata: { k: 1 }, contextWindow: 8000, inContextMessageIds: ["m1"] });
      await store().createAgent(a, [], []);
      expect(await store().getAgent(a.id)).toEqual(a);
      const updated = await store().updateAgent(a.id, { name: "max", pressureWarned: true, summary: "s" });
      expect(updated).toMatchObject({
        id: a.id,
        name: "max",
        pressureWarned: true,
        summary: "s",
        tags: ["x"],
      });
      expect((await store().getAgent(a.id))?.name).toBe("max");
      await store().deleteAgent(a.id);
      expect(await store().getAgent(a.id)).toBeNull();
    });

    it("reports unknown ids as not_found on update and null on read", async () => {
      expect(await store().getAgent("agent-missing")).toBeNull();
      await expectCode(store().updateAgent("agent-missing", { name: "x" }), "not_found");
    });

    it("allows duplicate names and finds the most recent by name", async () => {
      const old = agent({ name: "twin", createdAt: at(1) });
      const young = agent({ name: "twin", createdAt: at(2) });
      await store().createAgent(old, [], []);
      await store().createAgent(young, [], []);
      expect((await store().getAgentByName("twin"))?.id).toBe(young.id);
      expect(await store().getAgentByName("nobody")).toBeNull();
      expect((await store().listAgents({ name: "twin" })).map((x) => x.id)).toEqual([old.id, young.id]);
    });

    it("filters by tags with any/all semantics", async () => {
      const ab = agent({ tags: ["a", "b"], createdAt: at(1) });
      const a = agent({ tags: ["a"], createdAt: at(2) });
      const c = agent({ tags: ["c"], createdAt: at(3) });
      for (const x of [ab, a, c]) await store().createAgent(x, [], []);
      const ids = async (tags: string[], all: boolean) =>
        (await store().listAgents({ tags, matchAllTags: all })).map((x) => x.id);
      expect(await ids(["a", "b"], false)).toEqual([ab.id, a.id]);
      expect(await ids(["a", "b"], true)).toEqual([ab.id]);
      expect(await ids(["zzz"], false)).toEqual([]);
    });

    it("pages with cursors in both orders, each agent exactly once", async () => {
      const all = Array.from({ length: 7 }, (_, i) => agent({ createdAt: at(i % 3) }));
      for (const x of all) await store().createAgent(x, [], []);
      const asc = await walk((after) => store().listAgents({ after, limit: 2 }));
      const desc = await walk((after) => store().listAgents({ after, limit: 3, order: "desc" }));
      expect(new Set(asc).size).toBe(7);
      expect(desc).toEqual([...asc].reverse());
      const before = await store().listAgents({ before: asc[3] });
      expect(before.map((x) => x.id)).toEqual(asc.slice(0, 3));
    });
  });

  describe("blocks", () => {
    it("shares one block across agents: an edit shows in both", async () => {
      const shared = block({ label: "team", value: "v1" });
      const own = block({ label: "persona" });
      await store().createBlock(shared);
      await store().createBlock(own);
      const a = agent();
      const b = agent();
      await store().createAgent(a, [own.id, shared.id], []);
      await store().createAgent(b, [shared.id], []);
      await store().updateBlock(shared.id, { value: "v2" });
      expect((await store().agentBlocks(a.id)).map((x) => [x.label, x.value])).toEqual([
        ["persona", "Name: Ada"],
        ["team", "v2"],
      ]);
      expect((await store().agentBlocks(b.id))[0].value).toBe("v2");
      expect((await store().blockAgents(shared.id)).sort()).toEqual([a.id, b.id].sort());
    });

    it("attaches, detaches and survives deletion of an agent that used it", async () => {
      const x = block();
      await store().createBlock(x);
      const a = agent();
      await store().createAgent(a, [], []);
      await store().attachBlock(a.id, x.id);
      await store().attachBlock(a.id, x.id);
      expect(await store().agentBlocks(a.id)).toHaveLength(1);
      await store().detachBlock(a.id, x.id);
      expect(await store().agentBlocks(a.id)).toEqual([]);
      await store().attachBlock(a.id, x.id);
      await store().deleteAgent(a.id);
      expect(await store().getBlock(x.id)).toEqual(x);
      await expectCode(store().attachBlock(a.id, x.id), "not_found");
      await expectCode(store().attachBlock("agent-missing", "block-missing"), "not_found");
    });

    it("updates, lists by label, rejects unknown ids and unlinks on delete", async () => {
      const x = block({ label: "human", readOnly: true, metadata: { a: [1] }, tags: ["t"] });
      await store().createBlock(x);
      await store().createBlock(block({ label: "persona" }));
      const u = await store().updateBlock(x.id, { value: "new", limit: 10 });
      expect(u).toMatchObject({ value: "new", limit: 10, readOnly: true, metadata: { a: [1] }, tags: ["t"] });
      expect((await store().listBlocks({ label: "human" })).map((b) => b.id)).toEqual([x.id]);
      await expectCode(store().updateBlock("block-missing", { value: "x" }), "not_found");
      const a = agent();
      await store().createAgent(a, [x.id], []);
      await store().deleteBlock(x.id);
      expect(await store().getBlock(x.id)).toBeNull();
      expect(await store().agentBlocks(a.id)).toEqual([]);
    });
  });
}
