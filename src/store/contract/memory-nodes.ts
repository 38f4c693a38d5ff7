// The Store contract, memory nodes: the compressed-memory tier's (src/cr) opaque node blobs per agent and
// tier. Conformance: conformance/memory-nodes.testkit.ts.

export interface MemoryNodeStore {
  /** Stores nodes under (agent, tier), replacing any with the same id. */
  putMemoryNodes(
    agentId: string,
    tier: string,
    nodes: Array<{ id: string; data: Uint8Array }>,
  ): Promise<void>;
  getMemoryNodes(agentId: string, tier: string): Promise<Array<{ id: string; data: Uint8Array }>>;
}
