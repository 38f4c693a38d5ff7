// The Store contract over one better-sqlite3 connection. Each method is a thin, synchronous call into
// the table modules; the async signatures exist so a networked store fits the same contract. The caches
// and write paths the methods go through are set up, and described, in store-base.ts; README.md maps them
// (which reads each cache serves, which writes invalidate it).
import type {
  AgentLease,
  AgentRecord,
  BlockEdit,
  BlockRecord,
  LexicalQuery,
  MessageQuery,
  MessageRecord,
  Page,
  ProjectFilter,
  RankedId,
  LeaseHolder,
  LeaseUse,
  Role,
  RunOwner,
  RunQuery,
  RunRecord,
  StepCommit,
  StepRecord,
  Store,
  ToolRecord,
  McpServerRecord,
} from "../types.ts";
import * as agents from "./agents.ts";
import * as blocks from "./blocks.ts";
import * as leases from "./leases.ts";
import { blockCodec, mcpServerCodec, runCodec, toolCodec } from "./codecs.ts";
import * as messages from "./messages.ts";
import {
  agentBlocksJoin,
  agentToolsJoin,
  attach,
  detach,
  getRecord,
  getRecordBy,
  insertRecord,
  linkedAgents,
  patchRecord,
} from "./records.ts";
import * as runRecords from "./run-records.ts";
import * as runs from "./runs.ts";
import { SqliteCoordinationStore } from "./store-coordination.ts";

/** The embedded SQLite implementation of Store. */
export class SqliteStore extends SqliteCoordinationStore implements Store {
  readonly kind = "sqlite" as const;

  // agents
  createAgent(agent: AgentRecord, blockIds: string[], toolIds: string[]) {
    return this.write(() => this.linked.write(() => agents.createAgent(this.sql, agent, blockIds, toolIds)));
  }
  getAgent(id: string) {
    return this.read(() => this.cache.agent(id, () => agents.getAgent(this.sql, id)));
  }
  getAgentByName(name: string) {
    return this.read(() => agents.getAgentByName(this.sql, name));
  }
  listAgents(q: Page & ProjectFilter & { name?: string; tags?: string[]; matchAllTags?: boolean }) {
    return this.read(() => agents.listAgents(this.sql, q));
  }
  updateAgent(id: string, patch: Partial<AgentRecord>) {
    return this.write(() => {
      const a = agents.updateAgent(this.sql, id, patch, this.prev);
      this.cache.stored(a);
      return a;
    });
  }
  deleteAgent(id: string) {
    return this.write(() => {
      this.linked.write(() => agents.deleteAgent(this.sql, id));
      this.cache.forget(id);
    });
  }

  // blocks
  createBlock(block: BlockRecord) {
    return this.write(() => insertRecord(this.sql, blockCodec, block));
  }
  getBlock(id: string) {
    return this.read(() => getRecord(this.sql, blockCodec, id));
  }
  listBlocks(q: Page & ProjectFilter & { label?: string }) {
    return this.read(() => agents.listBlocks(this.sql, q));
  }
  updateBlock(id: string, patch: Partial<BlockRecord>) {
    return this.write(() =>
      this.linked.write(() => {
        const { block, stamped } = blocks.updateBlock(this.sql, id, patch);
        for (const a of stamped) this.cache.forget(a);
        return block;
      }),
    );
  }
  deleteBlock(id: string) {
    return this.write(() =>
      this.linked.write(() => void this.sql.run("DELETE FROM blocks WHERE id = ?", id)),
    );
  }
  agentBlocks(agentId: string) {
    return this.read(() => this.linked.agentBlocks(agentId, () => agents.agentBlocks(this.sql, agentId)));
  }
  editBlock(edit: BlockEdit, at: string) {
    return this.write(() =>
      this.linked.write(() => {
        const { block, stamped } = blocks.editBlock(this.sql, edit, at);
        for (const a of stamped) this.cache.forget(a);
        return block;
      }),
    );
  }
  attachBlock(agentId: string, blockId: string) {
    return this.write(() => this.linked.write(() => blocks.attachBlock(this.sql, agentId, blockId)));
  }
  detachBlock(agentId: string, blockId: string) {
    return this.write(() => this.linked.write(() => detach(this.sql, agentBlocksJoin, agentId, blockId)));
  }
  blockAgents(blockId: string) {
    return this.read(() => linkedAgents(this.sql, agentBlocksJoin, blockId));
  }

  // tools
  upsertTool(tool: ToolRecord) {
    return this.write(() => this.linked.write(() => agents.upsertTool(this.sql, tool)));
  }
  getTool(id: string) {
    return this.read(() => getRecord(this.sql, toolCodec, id));
  }
  getToolByName(name: string) {
    return this.read(() => getRecordBy(this.sql, toolCodec, "name", name));
  }
  listTools(q: Page & ProjectFilter & { name?: string }) {
    return this.read(() => agents.listTools(this.sql, q));
  }
  deleteTool(id: string) {
    return this.write(() => this.linked.write(() => void this.sql.run("DELETE FROM tools WHERE id = ?", id)));
  }
  agentTools(agentId: string) {
    return this.read(() => this.linked.agentTools(agentId, () => agents.agentTools(this.sql, agentId)));
  }
  agentSecrets(agentId: string) {
    return this.read(() => {
      const rows = this.sql.all<{ key: string; value: string }>(
        "SELECT key, value FROM agent_secrets WHERE agent_id = ? ORDER BY key",
        agentId,
      );
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    });
  }
  setAgentSecrets(agentId: string, secrets: Record<string, string>) {
    return this.write(() =>
      this.sql.tx(() => {
        this.sql.run("DELETE FROM agent_secrets WHERE agent_id = ?", agentId);
        for (const [key, value] of Object.entries(secrets)) {
          this.sql.run(
            "INSERT INTO agent_secrets (agent_id, key, value) VALUES (?, ?, ?)",
            agentId,
            key,
            value,
          );
        }
      }),
    );
  }
  attachTool(agentId: string, toolId: string) {
    return this.write(() => this.linked.write(() => attach(this.sql, agentToolsJoin, agentId, toolId)));
  }
  detachTool(agentId: string, toolId: string) {
    return this.write(() => this.linked.write(() => detach(this.sql, agentToolsJoin, agentId, toolId)));
  }

  // MCP servers
  createMcpServer(server: McpServerRecord) {
    return this.write(() => insertRecord(this.sql, mcpServerCodec, server));
  }
  getMcpServer(id: string) {
    return this.read(() => getRecord(this.sql, mcpServerCodec, id));
  }
  getMcpServerByName(name: string) {
    return this.read(() => getRecordBy(this.sql, mcpServerCodec, "name", name));
  }
  listMcpServers(q: Page & ProjectFilter) {
    return this.read(() => agents.listMcpServers(this.sql, q));
  }
  updateMcpServer(id: string, patch: Partial<McpServerRecord>) {
    return this.write(() => patchRecord(this.sql, mcpServerCodec, id, patch, "MCP server"));
  }
  deleteMcpServer(id: string) {
    return this.write(() => void this.sql.run("DELETE FROM mcp_servers WHERE id = ?", id));
  }

  // messages
  getMessages(ids: string[]) {
    return this.read(() => messages.getMessages(this.sql, ids));
  }
  listMessages(agentId: string, q: MessageQuery) {
    return this.read(() => messages.listMessages(this.sql, agentId, q));
  }
  countMessages(agentId: string) {
    return this.read(() => this.cache.count(agentId, () => messages.countMessages(this.sql, agentId)));
  }
  searchMessagesLexical(
    agentId: string,
    q: LexicalQuery & { roles?: Role[]; start?: string; end?: string },
  ): Promise<RankedId[]> {
    return this.read(() => {
      this.index.flush();
      return messages.searchMessagesLexical(this.sql, agentId, q);
    });
  }
  searchMessagesVector(
    agentId: string,
    embedding: Float32Array,
    q: { limit: number; roles?: Role[]; start?: string; end?: string },
  ) {
    return this.read(() => messages.searchMessagesVector(this.sql, agentId, embedding, q));
  }
  messageNeighbours(agentId: string, ids: string[], q?: { roles?: Role[]; start?: string; end?: string }) {
    return this.read(() => messages.messageNeighbours(this.sql, agentId, ids, q));
  }

  // runs and steps
  createRun(run: RunRecord) {
    return this.write(() => runRecords.insertRun(this.sql, run));
  }
  updateRun(id: string, patch: Partial<RunRecord>) {
    return this.batched(() => void patchRecord(this.sql, runCodec, id, patch, "run"));
  }
  getRun(id: string) {
    return this.read(() => getRecord(this.sql, runCodec, id));
  }
  listSteps(runId: string): Promise<StepRecord[]> {
    return this.read(() => runs.listSteps(this.sql, runId));
  }
  readonly runOwner = runRecords.PROCESS_OWNER;
  listRuns(q: RunQuery) {
    return this.read(() => runRecords.listRuns(this.sql, q));
  }
  listRunMessages(runId: string, q: Page) {
    return this.read(() => runRecords.listRunMessages(this.sql, runId, q));
  }
  failOrphanRuns(isLive: (owner: RunOwner | null) => boolean, completedAt: string) {
    return this.write(() => {
      const failed = runRecords.failOrphanRuns(this.sql, isLive, completedAt);
      for (const r of failed) this.cache.forget(r.agentId);
      return failed;
    });
  }
  commitStep(commit: StepCommit) {
    return this.batched(() => {
      const write = () => runs.commitStep(this.sql, commit, this.prev);
      const updatedAt = commit.blockEdits.length > 0 ? this.linked.write(write) : write();
      this.cache.patched(commit.agentId, { ...commit.agentPatch, updatedAt });
      this.cache.messagesAdded(commit.messages.map((m) => m.agentId));
      if (commit.messages.length) this.index.added();
    });
  }
  commitMessages(
    agentId: string,
    items: MessageRecord[],
    agentPatch: StepCommit["agentPatch"],
    run?: RunRecord,
    lease?: LeaseUse,
  ) {
    return this.batched(() => {
      const updatedAt = runs.commitMessages(this.sql, agentId, items, agentPatch, this.prev, run, lease);
      this.cache.patched(agentId, { ...agentPatch, updatedAt });
      this.cache.messagesAdded(items.map((m) => m.agentId));
      if (items.length) this.index.added();
    });
  }

  // agent leases: batched, since a run takes one at its start (leases.ts)
  acquireAgentLease(
    agentId: string,
    holder: string,
    ttlMs: number,
    canTakeOver: (current: LeaseHolder) => boolean,
  ) {
    return this.batched(() =>
      leases.acquireLease(this.sql, agentId, holder, this.runOwner, ttlMs, canTakeOver),
    );
  }
  renewAgentLease(lease: AgentLease, ttlMs: number) {
    return this.batched(() => leases.renewLease(this.sql, lease, ttlMs));
  }
  releaseAgentLease(lease: AgentLease) {
    return this.batched(() => leases.releaseLease(this.sql, lease.agentId, lease.fence));
  }
}
