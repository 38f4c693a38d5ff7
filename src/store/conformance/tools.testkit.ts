// Conformance of ToolStore (contract/tools.ts): tools, unique by name, and the tools an agent has.
import { describe, expect, it } from "vitest";
import type { AgentStore, ToolStore } from "../types.ts";
import { agent, expectCode, type Part, tool, useStore } from "./fixtures.testkit.ts";

/** Tools and their links to agents. */
export function toolSuite(open: () => Promise<Part<AgentStore & ToolStore>>): void {
  const store = useStore(open);

  describe("tools", () => {
    it("upserts by name, keeping the first id", async () => {
      const first = await store().upsertTool(tool({ name: "web_search", description: "v1" }));
      const second = await store().upsertTool(tool({ name: "web_search", description: "v2" }));
      expect(second.id).toBe(first.id);
      expect(second.description).toBe("v2");
      expect((await store().getToolByName("web_search"))?.description).toBe("v2");
      expect(await store().listTools({ name: "web_search" })).toHaveLength(1);
    });

    it("renames a tool upserted under its id, and attaches tools in order", async () => {
      const t = await store().upsertTool(tool({ name: "a" }));
      const renamed = await store().upsertTool({ ...t, name: "b" });
      expect(renamed.id).toBe(t.id);
      expect(await store().getToolByName("a")).toBeNull();
      const c = await store().upsertTool(tool({ name: "c" }));
      const ag = agent();
      await store().createAgent(ag, [], [c.id, t.id]);
      expect((await store().agentTools(ag.id)).map((x) => x.name)).toEqual(["c", "b"]);
      await store().detachTool(ag.id, c.id);
      await store().attachTool(ag.id, c.id);
      expect((await store().agentTools(ag.id)).map((x) => x.name)).toEqual(["b", "c"]);
      await store().deleteTool(t.id);
      expect(await store().getTool(t.id)).toBeNull();
      expect((await store().agentTools(ag.id)).map((x) => x.name)).toEqual(["c"]);
      await expectCode(store().attachTool(ag.id, "tool-missing"), "not_found");
    });

    it("keeps an agent's tool secrets apart, replaced whole", async () => {
      const ag = agent();
      await store().createAgent(ag, [], []);
      expect(await store().agentSecrets(ag.id)).toEqual({});
      await store().setAgentSecrets(ag.id, { API_KEY: "k1", REGION: "eu" });
      expect(await store().agentSecrets(ag.id)).toEqual({ API_KEY: "k1", REGION: "eu" });
      await store().setAgentSecrets(ag.id, { API_KEY: "k2" });
      expect(await store().agentSecrets(ag.id)).toEqual({ API_KEY: "k2" });
      const other = agent({ name: "other" });
      await store().createAgent(other, [], []);
      expect(await store().agentSecrets(other.id)).toEqual({});
    });
  });
}
