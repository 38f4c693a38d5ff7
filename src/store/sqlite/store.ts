// The Store contract over one better-sqlite3 connection. Each method is a thin, synchronous call into
// the table modules; the async signatures exist so a networked store fits the same contract.
import type {
  AgentRecord,
  BlockRecord,
  FileRecord,
  LexicalQuery,
  MessageQuery,
  MessageRecord,
  OpenFileRecord,
  Page,
  PassageFilter,
  PassageRecord,
  RankedId,
  Role,
  RunRecord,
  SourceRecord,
  StepCommit,
  StepRecord,
  Store,
  ToolRecord,
} from "../types.ts";
import { AgentCache } from "./agent-cache.ts";
import { LinkedCache } from "./linked-cache.ts";
import * as agents from "./agents.ts";
import { readContext } from "./context.ts";
import { blockCodec, fileCodec, runCodec, sourceCodec, toolCodec } from "./codecs.ts";
import * as messages from "./messages.ts";
import * as passages from "./passages.ts";
import {
  agentBlocksJoin,
  agentSourcesJoin,
  agentToolsJoin,
  attach,
  detach,
  getRecord,
  getRecordBy,
  insertRecord,
  joined,
  linkedAgents,
  patchRecord,
} from "./records.ts";
import * as runs from "./runs.ts";
import * as sources from "./sources.ts";
import type { Sql } from "./sql.ts";
import { translate } from "./translate.ts";

/** The embedded SQLite implementation of Store. */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private readonly cache: AgentCache;
  private readonly linked: LinkedCache;
  constructor(readonly sql: Sql) {
    this.cache = new AgentCache(sql);
    this.linked = new LinkedCache(sql);
  }

  private readonly prev = (agentId: string) =>
    this.cache.contextIds(agentId, () => readContext(this.sql, agentId));

  private async do<T>(fn: () => T): Promise<T> {
    try {
      return fn();
    } catch (e) {
      throw translate(e);
    }
  }

  async close(): Promise<void> {
    if (this.sql.db.open) this.sql.db.close();
  }

  // agents
  createAgent(agent: AgentRecord, blockIds: string[], toolIds: string[]) {
    return this.do(() => this.linked.write(() => agents.createAgent(this.sql, agent, blockIds, toolIds)));
  }
  getAgent(id: string) {
    return this.do(() => this.cache.agent(id, () => agents.getAgent(this.sql, id)));
  }
  getAgentByName(name: string) {
    return this.do(() => agents.getAgentByName(this.sql, name));
  }
  listAgents(q: Page & { name?: string; tags?: string[]; matchAllTags?: boolean }) {
    return this.do(() => agents.listAgents(this.sql, q));
  }
  updateAgent(id: string, patch: Partial<AgentRecord>) {
    return this.do(() => {
      const a = agents.updateAgent(this.sql, id, patch, this.prev);
      this.cache.stored(a);
      return a;
    });
  }
  deleteAgent(id: string) {
    return this.do(() => {
      this.linked.write(() => agents.deleteAgent(this.sql, id));
      this.cache.forget(id);
    });
  }

  // blocks
  createBlock(block: BlockRecord) {
    return this.do(() => insertRecord(this.sql, blockCodec, block));
  }
  getBlock(id: string) {
    return this.do(() => getRecord(this.sql, blockCodec, id));
  }
  listBlocks(q: Page & { label?: string }) {
    return this.do(() => agents.listBlocks(this.sql, q));
  }
  updateBlock(id: string, patch: Partial<BlockRecord>) {
    return this.do(() => this.linked.write(() => patchRecord(this.sql, blockCodec, id, patch, "block")));
  }
  deleteBlock(id: string) {
    return this.do(() => this.linked.write(() => void this.sql.run("DELETE FROM blocks WHERE id = ?", id)));
  }
  agentBlocks(agentId: string) {
    return this.do(() => this.linked.agentBlocks(agentId, () => agents.agentBlocks(this.sql, agentId)));
  }
  attachBlock(agentId: string, blockId: string) {
    return this.do(() => this.linked.write(() => attach(this.sql, agentBlocksJoin, agentId, blockId)));
  }
  detachBlock(agentId: string, blockId: string) {
    return this.do(() => this.linked.write(() => detach(this.sql, agentBlocksJoin, agentId, blockId)));
  }
  blockAgents(blockId: string) {
    return this.do(() => linkedAgents(this.sql, agentBlocksJoin, blockId));
  }

  // tools
  upsertTool(tool: ToolRecord) {
    return this.do(() => this.linked.write(() => agents.upsertTool(this.sql, tool)));
  }
  getTool(id: string) {
    return this.do(() => getRecord(this.sql, toolCodec, id));
  }
  getToolByName(name: string) {
    return this.do(() => getRecordBy(this.sql, toolCodec, "name", name));
  }
  listTools(q: Page & { name?: string }) {
    return this.do(() => agents.listTools(this.sql, q));
  }
  deleteTool(id: string) {
    return this.do(() => this.linked.write(() => void this.sql.run("DELETE FROM tools WHERE id = ?", id)));
  }
  agentTools(agentId: string) {
    return this.do(() => this.linked.agentTools(agentId, () => agents.agentTools(this.sql, agentId)));
  }
  attachTool(agentId: string, toolId: string) {
    return this.do(() => this.linked.write(() => attach(this.sql, agentToolsJoin, agentId, toolId)));
  }
  detachTool(agentId: string, toolId: string) {
    return this.do(() => this.linked.write(() => detach(this.sql, agentToolsJoin, agentId, toolId)));
  }

  // messages
  getMessages(ids: string[]) {
    return this.do(() => messages.getMessages(this.sql, ids));
  }
  listMessages(agentId: string, q: MessageQuery) {
    return this.do(() => messages.listMessages(this.sql, agentId, q));
  }
  countMessages(agentId: string) {
    return this.do(() => this.cache.count(agentId, () => messages.countMessages(this.sql, agentId)));
  }
  searchMessagesLexical(
    agentId: string,
    q: LexicalQuery & { roles?: Role[]; start?: string; end?: string },
  ): Promise<RankedId[]> {
    return this.do(() => messages.searchMessagesLexical(this.sql, agentId, q));
  }
  searchMessagesVector(
    agentId: string,
    embedding: Float32Array,
    q: { limit: number; roles?: Role[]; start?: string; end?: string },
  ) {
    return this.do(() => messages.searchMessagesVector(this.sql, agentId, embedding, q));
  }

  // passages
  insertPassages(items: passages.PassageInsert[]) {
    return this.do(() => this.sql.tx(() => passages.insertPassages(this.sql, items)));
  }
  getPassages(ids: string[]) {
    return this.do(() => passages.getPassages(this.sql, ids));
  }
  listPassages(filter: PassageFilter, q: Page): Promise<PassageRecord[]> {
    return this.do(() => passages.listPassages(this.sql, filter, q));
  }
  countPassages(filter: PassageFilter) {
    return this.do(() => passages.countPassages(this.sql, filter));
  }
  deletePassages(ids: string[]) {
    return this.do(() => passages.deletePassages(this.sql, ids));
  }
  passageTags(agentId: string) {
    return this.do(() => passages.passageTags(this.sql, agentId));
  }
  searchPassagesLexical(filter: PassageFilter, q: LexicalQuery) {
    return this.do(() => passages.searchPassagesLexical(this.sql, filter, q));
  }
  searchPassagesVector(filter: PassageFilter, embedding: Float32Array, limit: number) {
    return this.do(() => passages.searchPassagesVector(this.sql, filter, embedding, limit));
  }

  // sources and files
  createSource(source: SourceRecord) {
    return this.do(() => sources.createSource(this.sql, source));
  }
  getSource(id: string) {
    return this.do(() => getRecord(this.sql, sourceCodec, id));
  }
  getSourceByName(name: string) {
    return this.do(() => getRecordBy(this.sql, sourceCodec, "name", name));
  }
  listSources(q: Page & { name?: string }) {
    return this.do(() => sources.listSources(this.sql, q));
  }
  updateSource(id: string, patch: Partial<SourceRecord>) {
    return this.do(() => this.linked.write(() => sources.updateSource(this.sql, id, patch)));
  }
  deleteSource(id: string) {
    return this.do(() => this.linked.write(() => sources.deleteSource(this.sql, id)));
  }
  attachSource(agentId: string, sourceId: string) {
    return this.do(() => this.linked.write(() => attach(this.sql, agentSourcesJoin, agentId, sourceId)));
  }
  detachSource(agentId: string, sourceId: string) {
    return this.do(() => this.linked.write(() => detach(this.sql, agentSourcesJoin, agentId, sourceId)));
  }
  agentSources(agentId: string) {
    return this.do(() =>
      this.linked.agentSources(agentId, () => joined(this.sql, agentSourcesJoin, sourceCodec, agentId)),
    );
  }
  sourceAgents(sourceId: string) {
    return this.do(() => linkedAgents(this.sql, agentSourcesJoin, sourceId));
  }
  getFile(id: string) {
    return this.do(() => getRecord(this.sql, fileCodec, id));
  }
  findFile(sourceId: string, fileName: string) {
    return this.do(() => sources.findFile(this.sql, sourceId, fileName));
  }
  listFiles(sourceId: string, q: Page): Promise<FileRecord[]> {
    return this.do(() => sources.listFiles(this.sql, sourceId, q));
  }
  replaceFile(file: FileRecord, items: passages.PassageInsert[]) {
    return this.do(() => sources.replaceFile(this.sql, file, items));
  }
  deleteFile(id: string) {
    return this.do(() => sources.deleteFile(this.sql, id));
  }

  // runs and steps
  createRun(run: RunRecord) {
    return this.do(() => insertRecord(this.sql, runCodec, run));
  }
  updateRun(id: string, patch: Partial<RunRecord>) {
    return this.do(() => void patchRecord(this.sql, runCodec, id, patch, "run"));
  }
  getRun(id: string) {
    return this.do(() => getRecord(this.sql, runCodec, id));
  }
  listSteps(runId: string): Promise<StepRecord[]> {
    return this.do(() => runs.listSteps(this.sql, runId));
  }
  commitStep(commit: StepCommit) {
    return this.do(() => {
      const write = () => runs.commitStep(this.sql, commit, this.prev);
      const updatedAt = commit.blockUpdates.length > 0 ? this.linked.write(write) : write();
      this.cache.patched(commit.agentId, { ...commit.agentPatch, updatedAt });
      this.cache.messagesAdded(commit.messages.map((m) => m.agentId));
    });
  }
  commitMessages(
    agentId: string,
    items: MessageRecord[],
    agentPatch: StepCommit["agentPatch"],
    run?: RunRecord,
  ) {
    return this.do(() => {
      const updatedAt = runs.commitMessages(this.sql, agentId, items, agentPatch, this.prev, run);
      this.cache.patched(agentId, { ...agentPatch, updatedAt });
      this.cache.messagesAdded(items.map((m) => m.agentId));
    });
  }

  // memory nodes
  putMemoryNodes(agentId: string, tier: string, nodes: Array<{ id: string; data: Uint8Array }>) {
    return this.do(() => runs.putMemoryNodes(this.sql, agentId, tier, nodes));
  }
  getMemoryNodes(agentId: string, tier: string) {
    return this.do(() => runs.getMemoryNodes(this.sql, agentId, tier));
  }

  // open files
  openFile(agentId: string, fileId: string, window: { offset: number; length: number }, now: string) {
    return this.do(() => sources.openFile(this.sql, agentId, fileId, window, now));
  }
  closeFile(agentId: string, fileId: string) {
    return this.do(() => sources.closeFiles(this.sql, agentId, fileId) > 0);
  }
  listOpenFiles(agentId: string): Promise<OpenFileRecord[]> {
    return this.do(() => sources.listOpenFiles(this.sql, agentId));
  }
  closeAllFiles(agentId: string) {
    return this.do(() => sources.closeFiles(this.sql, agentId));
  }
}
