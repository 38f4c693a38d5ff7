import { sharedToolSql } from "../project-filter.ts";
import type {
  AgentLease,
  AgentRecord,
  BlockEdit,
  BlockRecord,
  LeaseHolder,
  LeaseUse,
  LexicalQuery,
  McpServerRecord,
  MessageQuery,
  MessageRecord,
  Page,
  ProjectFilter,
  Role,
  RunOwner,
  RunQuery,
  RunRecord,
  StepCommit,
  Store,
  ToolRecord,
} from "../types.ts";
import { blockCodec, mcpServerCodec, runCodec, toolCodec } from "../sqlite/codecs.ts";
import { PROCESS_OWNER } from "../sqlite/run-records.ts";
import * as agents from "./agents.ts";
import * as leases from "./leases.ts";
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
  joined,
  patchRecord,
} from "./records.ts";
import { STALE_MS } from "./heartbeat.ts";
import * as runs from "./runs.ts";
import { PostgresCoordinationStore } from "./store-coordination.ts";

function setSeqs(items: MessageRecord[], seqs: number[]): void {
  items.forEach((m, i) => {
    m.seq = seqs[i];
  });
}

/** The PostgreSQL implementation of Store. */
export class PostgresStore extends PostgresCoordinationStore implements Store {
  readonly kind = "postgres" as const;
  readonly runOwner: RunOwner = PROCESS_OWNER;

  // agents and blocks
  createAgent(agent: AgentRecord, blockIds: string[], toolIds: string[]) {
    return this.write((q) => agents.createAgent(q, agent, blockIds, toolIds));
  }
  getAgent(id: string) {
    return this.read((q) => agents.getAgent(q, id));
  }
  getAgentByName(name: string) {
    return this.read((q) => agents.getAgentByName(q, name));
  }
  listAgents(page: Page & ProjectFilter & { name?: string; tags?: string[]; matchAllTags?: boolean }) {
    return this.read((q) => agents.listAgents(q, page));
  }
  updateAgent(id: string, patch: Partial<AgentRecord>) {
    return this.write(async (q) => {
      await agents.patchAgent(q, id, patch);
      return (await agents.getAgent(q, id))!;
    });
  }
  async deleteAgent(id: string) {
    await this.write((q) => q.run("DELETE FROM agents WHERE id = ?", id));
  }
  createBlock(block: BlockRecord) {
    return this.write((q) => insertRecord(q, blockCodec, block));
  }
  getBlock(id: string) {
    return this.read((q) => getRecord(q, blockCodec, id));
  }
  listBlocks(page: Page & ProjectFilter & { label?: string }) {
    return this.read((q) => agents.listBy(q, blockCodec, page, { label: page.label }));
  }
  updateBlock(id: string, patch: Partial<BlockRecord>) {
    return this.write((q) => agents.updateBlock(q, id, patch));
  }
  async deleteBlock(id: string) {
    await this.write((q) => q.run("DELETE FROM blocks WHERE id = ?", id));
  }
  agentBlocks(agentId: string) {
    return this.read((q) => joined(q, agentBlocksJoin, blockCodec, agentId));
  }
  editBlock(edit: BlockEdit, at: string) {
    return this.write((q) => agents.editBlock(q, edit, at));
  }
  attachBlock(agentId: string, blockId: string) {
    return this.write((q) => agents.attachBlock(q, agentId, blockId));
  }
  detachBlock(agentId: string, blockId: string) {
    return this.write((q) => detach(q, agentBlocksJoin, agentId, blockId));
  }
  blockAgents(blockId: string) {
    return this.read((q) => linkedAgents(q, agentBlocksJoin, blockId));
  }

  // tools
  upsertTool(tool: ToolRecord) {
    return this.write((q) => agents.upsertTool(q, tool));
  }
  getTool(id: string) {
    return this.read((q) => getRecord(q, toolCodec, id));
  }
  getToolByName(name: string) {
    return this.read((q) => getRecordBy(q, toolCodec, "name", name));
  }
  listTools(page: Page & ProjectFilter & { name?: string }) {
    return this.read((q) =>
      agents.listBy(q, toolCodec, page, { name: page.name }, undefined, sharedToolSql("x")),
    );
  }
  async deleteTool(id: string) {
    await this.write((q) => q.run("DELETE FROM tools WHERE id = ?", id));
  }
  agentTools(agentId: string) {
    return this.read((q) => joined(q, agentToolsJoin, toolCodec, agentId));
  }
  attachTool(agentId: string, toolId: string) {
    return this.write((q) => attach(q, agentToolsJoin, agentId, toolId));
  }
  detachTool(agentId: string, toolId: string) {
    return this.write((q) => detach(q, agentToolsJoin, agentId, toolId));
  }
  agentSecrets(agentId: string) {
    return this.read(async (q) => {
      const rows = await q.all<{ key: string; value: string }>(
        "SELECT key, value FROM agent_secrets WHERE agent_id = ? ORDER BY key",
        agentId,
      );
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    });
  }
  setAgentSecrets(agentId: string, secrets: Record<string, string>) {
    return this.write(async (q) => {
      await q.run("DELETE FROM agent_secrets WHERE agent_id = ?", agentId);
      const entries = Object.entries(secrets);
      if (entries.length === 0) return;
      await q.run(
        "INSERT INTO agent_secrets (agent_id, key, value) SELECT ?, k, v FROM unnest(?::text[], ?::text[]) AS x(k, v)",
        agentId,
        entries.map((e) => e[0]),
        entries.map((e) => e[1]),
      );
    });
  }

  // MCP servers
  createMcpServer(server: McpServerRecord) {
    return this.write((q) => insertRecord(q, mcpServerCodec, server));
  }
  getMcpServer(id: string) {
    return this.read((q) => getRecord(q, mcpServerCodec, id));
  }
  getMcpServerByName(name: string) {
    return this.read((q) => getRecordBy(q, mcpServerCodec, "name", name));
  }
  listMcpServers(page: Page & ProjectFilter) {
    return this.read((q) => agents.listBy(q, mcpServerCodec, page, {}));
  }
  updateMcpServer(id: string, patch: Partial<McpServerRecord>) {
    return this.write((q) => patchRecord(q, mcpServerCodec, id, patch, "MCP server"));
  }
  async deleteMcpServer(id: string) {
    await this.write((q) => q.run("DELETE FROM mcp_servers WHERE id = ?", id));
  }

  // messages
  getMessages(ids: string[]) {
    return this.read((q) => messages.getMessages(q, ids));
  }
  listMessages(agentId: string, page: MessageQuery) {
    return this.read((q) => messages.listMessages(q, agentId, page));
  }
  countMessages(agentId: string) {
    return this.read((q) => messages.countMessages(q, agentId));
  }
  searchMessagesLexical(
    agentId: string,
    query: LexicalQuery & { roles?: Role[]; start?: string; end?: string },
  ) {
    return this.read((q) => messages.searchMessagesLexical(q, agentId, query));
  }
  messageNeighbours(
    agentId: string,
    ids: string[],
    query?: { roles?: Role[]; start?: string; end?: string },
  ) {
    return this.read((q) => messages.messageNeighbours(q, agentId, ids, query));
  }
  searchMessagesVector(
    agentId: string,
    embedding: Float32Array,
    query: { limit: number; roles?: Role[]; start?: string; end?: string },
  ) {
    return this.read((q) => messages.searchMessagesVector(q, agentId, embedding, query, this.pgvector));
  }
  async commitMessages(
    agentId: string,
    items: MessageRecord[],
    agentPatch: StepCommit["agentPatch"],
    run?: RunRecord,
    lease?: LeaseUse,
  ) {
    setSeqs(items, await this.write((q) => runs.commitMessages(q, agentId, items, agentPatch, run, lease)));
  }

  // runs and steps
  createRun(run: RunRecord) {
    return this.write((q) => runs.insertRun(q, run));
  }
  async updateRun(id: string, patch: Partial<RunRecord>) {
    await this.write((q) => patchRecord(q, runCodec, id, patch, "run"));
  }
  getRun(id: string) {
    return this.read((q) => getRecord(q, runCodec, id));
  }
  listSteps(runId: string) {
    return this.read((q) => runs.listSteps(q, runId));
  }
  listRuns(query: RunQuery) {
    return this.read((q) => runs.listRuns(q, query));
  }
  listRunMessages(runId: string, page: Page) {
    return this.read((q) => runs.listRunMessages(q, runId, page));
  }
  failOrphanRuns(isLive: (owner: RunOwner | null) => boolean, completedAt: string) {
    return this.write((q) => runs.failOrphanRuns(q, isLive, completedAt, STALE_MS));
  }
  async commitStep(commit: StepCommit) {
    setSeqs(commit.messages, await this.write((q) => runs.commitStep(q, commit, this.pgvector)));
  }

  // agent leases
  acquireAgentLease(
    agentId: string,
    holder: string,
    ttlMs: number,
    canTakeOver: (current: LeaseHolder) => boolean,
  ) {
    return this.write((q) => leases.acquireLease(q, agentId, holder, this.runOwner, ttlMs, canTakeOver));
  }
  renewAgentLease(lease: AgentLease, ttlMs: number) {
    return this.write((q) => leases.renewLease(q, lease, ttlMs));
  }
  releaseAgentLease(lease: AgentLease) {
    return this.write((q) => leases.releaseLease(q, lease.agentId, lease.fence));
  }
}
