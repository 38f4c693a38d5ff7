// The Store contract, agents and blocks: the agent records and the core-memory blocks they show (a block
// may be shared by many agents). Conformance: conformance/agents.testkit.ts.
import type { BlockEdit } from "../block-edits.ts";
import type { AgentRecord, BlockRecord } from "../records.ts";
import type { Page } from "./queries.ts";
import type { ProjectFilter } from "./tenancy.ts";

export interface AgentStore {
  /** Creates the agent linked to existing blocks and tools (ToolStore), in the order given. */
  createAgent(agent: AgentRecord, blockIds: string[], toolIds: string[]): Promise<void>;
  getAgent(id: string): Promise<AgentRecord | null>;
  getAgentByName(name: string): Promise<AgentRecord | null>;
  listAgents(
    q: Page & ProjectFilter & { name?: string; tags?: string[]; matchAllTags?: boolean },
  ): Promise<AgentRecord[]>;
  updateAgent(id: string, patch: Partial<AgentRecord>): Promise<AgentRecord>;
  /** Deletes the agent and everything only it owns (messages, runs, passages, links). */
  deleteAgent(id: string): Promise<void>;

  createBlock(block: BlockRecord): Promise<void>;
  getBlock(id: string): Promise<BlockRecord | null>;
  listBlocks(q: Page & ProjectFilter & { label?: string }): Promise<BlockRecord[]>;
  /** Patches a block in one transaction. A value change also stamps memoryEditedAt (the patch's updatedAt)
   * on every agent the block is attached to. A label change is refused (invalid_argument) when an agent the
   * block is attached to has another block with that label. */
  updateBlock(id: string, patch: Partial<BlockRecord>): Promise<BlockRecord>;
  deleteBlock(id: string): Promise<void>;
  agentBlocks(agentId: string): Promise<BlockRecord[]>;
  /** Applies one edit outside a step (the REST/MCP/library paths) to the block's value as stored now, in one
   * transaction, with the rules of a step's edits (block-edits.ts; refused with a BlockEditError), and
   * stamps memoryEditedAt (`at`) on every agent the block is attached to; returns the block. */
  editBlock(edit: BlockEdit, at: string): Promise<BlockRecord>;
  /** Links a block to an agent (idempotent); refused (invalid_argument) when the agent has another block
   * with the same label. */
  attachBlock(agentId: string, blockId: string): Promise<void>;
  detachBlock(agentId: string, blockId: string): Promise<void>;
  blockAgents(blockId: string): Promise<string[]>;
}
