// Conformance of MemoryNodeStore (contract/memory-nodes.ts): the compressed-memory tier's node blobs.
import { describe, expect, it } from "vitest";
import type { AgentStore, MemoryNodeStore } from "../types.ts";
import { agent, expectCode, type Part, useStore } from "./fixtures.testkit.ts";

/** Memory nodes per agent and tier. */
export function memoryNodeSuite(open: () => Promise<Part<AgentStore & MemoryNodeStore>>): void {
  const store = useStore(open);

  describe("memory nodes", () => {
    it("round-trips bytes per agent and tier, upserting by id", async () => {
      const a = agent();
      await store().createAgent(a, [], []);
      const blob = new Uint8Array(new Float32Array([1.5, -2, 3]).buffer);
      await store().putMemoryNodes(a.id, "l1", [
        { id: "n1", data: blob },
        { id: "n2", data: new Uint8Array([9]) },
      ]);
      await store().putMemoryNodes(a.id, "l2", [{ id: "n1", data: new Uint8Array([7]) }]);
      await store().putMemoryNodes(a.id, "l1", [{ id: "n1", data: new Uint8Array([0, 0]) }]);
      expect(await store().getMemoryNodes(a.id, "l1")).toEqual([
        { id: "n1", data: new Uint8Array([0, 0]) },
        { id: "n2", data: new Uint8Array([9]) },
      ]);
      expect(await store().getMemoryNodes(a.id, "l2")).toEqual([{ id: "n1", data: new Uint8Array([7]) }]);
      expect(await store().getMemoryNodes(a.id, "none")).toEqual([]);
      await expectCode(store().putMemoryNodes("agent-missing", "l1", []), "not_found");
    });
  });
}
