// What every part of the SQLite store shares — the connection, the read caches and the write paths, all
// set up in the constructor below, one comment per piece saying what it serves and what invalidates it —
// and the document side of the contract (passages, sources, files, open files, memory nodes).
// SqliteCoordinationStore (store-coordination.ts) adds jobs, schedules and groups, and SqliteStore
// (store.ts) agents, blocks, tools, messages and runs on top; the three classes only split one store over
// three files. README.md maps the pieces in one table.
//
// Reads run at once on the one connection (`read`). Writes go one of two ways: `write` runs now, after
// whatever the group commit holds, so writes apply in the order issued; `batched` (the per-step hot path:
// commitStep, commitMessages, updateRun) joins the group commit. A cache is updated or cleared by the
// write that changes what it holds, inside the same call, and cleared whole when another connection has
// committed or a batch rolled back.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LmosError } from "../../errors.ts";
import type {
  FileRecord,
  LexicalQuery,
  OpenFileRecord,
  Page,
  ProjectFilter,
  PassageFilter,
  PassageRecord,
  SourceRecord,
} from "../types.ts";
import { AgentCache } from "./agent-cache.ts";
import type { BackgroundCheckpointer } from "./checkpointer.ts";
import { ForeignWrites, noteLocalWrite } from "./foreign-writes.ts";
import { GroupCommit } from "./group-commit.ts";
import { LinkedCache } from "./linked-cache.ts";
import { DeferredMessageIndex } from "./message-index.ts";
import { readContext } from "./context.ts";
import { fileCodec, sourceCodec } from "./codecs.ts";
import type { PassageVectorIndex } from "./passage-vectors.ts";
import * as passages from "./passages.ts";
import { agentSourcesJoin, attach, detach, getRecord, getRecordBy, joined, linkedAgents } from "./records.ts";
import * as runs from "./runs.ts";
import * as sources from "./sources.ts";
import type { Sql } from "./sql.ts";
import { translate } from "./translate.ts";

// Pages per backup step: all of them.
const ALL_PAGES = 0x7fffffff;

/** Shared state and the document half of the Store contract. */
export abstract class SqliteStoreBase {
  protected readonly cache: AgentCache;
  protected readonly linked: LinkedCache;
  protected readonly index: DeferredMessageIndex;
  protected readonly group: GroupCommit;
  constructor(
    readonly sql: Sql,
    // Not a cache: WAL checkpoints on a worker thread (long-lived processes such as `lmos serve`), so no
    // commit stalls on one; it serves no read and holds nothing to invalidate (checkpointer.ts).
    private readonly checkpointer: BackgroundCheckpointer | null = null,
    // Not a cache of answers: the approximate vector index of passages, which only picks candidates that
    // SQLite rescores and filters; it indexes rows above its high-water mark before each search, so it
    // never hides a committed row, and nothing here invalidates it (passage-vectors.ts).
    protected readonly vectors?: PassageVectorIndex,
  ) {
    // The invalidation of both caches by other connections: reads PRAGMA data_version before a cache
    // answers (once per event-loop turn outside a transaction, every time inside one) and clears both when
    // another connection has committed; any write by this process makes it look again (foreign-writes.ts).
    const foreign = new ForeignWrites(sql);
    // Agent records and message counts. Serves getAgent, countMessages and `prev` below. Own writes keep it
    // current: updateAgent stores the record, commitStep/commitMessages patch it and count their messages;
    // deleteAgent, failOrphanRuns and updateBlock/editBlock (the agents they stamp) forget the agent.
    // Cleared whole by `foreign` and by a rolled-back batch (agent-cache.ts).
    this.cache = new AgentCache(foreign);
    // Each agent's blocks, tools and sources. Serves agentBlocks, agentTools, agentSources. Cleared whole by
    // every own write to blocks, tools, sources or their links (`linked.write`: createAgent, deleteAgent,
    // updateBlock, editBlock, deleteBlock, upsertTool, deleteTool, updateSource, deleteSource,
    // attach/detach, and a commitStep with block edits), by `foreign` and by a rolled-back batch
    // (linked-cache.ts).
    this.linked = new LinkedCache(foreign);
    // Not a cache: the full-text rows of messages, written behind the commits (200 ms later, and before a
    // backup or close). Serves searchMessagesLexical, which indexes what is pending first, so a search sees
    // every committed message; the watermark row in messages_fts_state says what is indexed, for this and
    // every other process on the file (message-index.ts).
    this.index = new DeferredMessageIndex(sql);
    // Not a cache: the `batched` writes of one event-loop turn in one transaction. A read does not wait for
    // it (a queued write is not acknowledged yet); a `write`, a backup and close flush it first. A batch
    // that rolled back as a whole had run its writes' cache updates: forget what the caches hold
    // (group-commit.ts).
    this.group = new GroupCommit(sql, () => {
      this.cache.clear();
      this.linked.clear();
    });
  }

  /** The agent's stored in-context ids, which a write of the window diffs against (context.ts): from the
   * agent cache when it holds the agent, else read. */
  protected readonly prev = (agentId: string) =>
    this.cache.contextIds(agentId, () => readContext(this.sql, agentId));

  /** A read: runs now (a write still queued for the group commit is not acknowledged yet, so a read may
   * come before it). */
  protected async read<T>(fn: () => T): Promise<T> {
    try {
      return fn();
    } catch (e) {
      throw translate(e);
    }
  }

  /** A write that runs now, after the queued group-commit writes (writes apply in the order issued). */
  protected async write<T>(fn: () => T): Promise<T> {
    try {
      this.group.flush();
      return fn();
    } catch (e) {
      throw translate(e);
    } finally {
      noteLocalWrite();
    }
  }

  /** A write of the per-step hot path, committed with the others queued in this turn (group-commit.ts). */
  protected batched<T>(fn: () => T): Promise<T> {
    return this.group.run(fn).catch((e) => {
      throw translate(e);
    });
  }

  /** SQLite's online backup in one step: in WAL mode that holds a read snapshot only, so writers go on
   * (a stepped backup restarts whenever another connection writes, and under a steady load never ends).
   * Pending full-text rows are indexed first so the copy is complete. */
  async backup(path: string): Promise<{ bytes: number }> {
    if (existsSync(path)) throw new LmosError("conflict", `${path} already exists: choose a new file`);
    try {
      this.group.flush();
      this.index.flush();
      mkdirSync(dirname(resolve(path)), { recursive: true });
      await this.sql.db.backup(path, { progress: () => ALL_PAGES });
    } catch (e) {
      throw new LmosError("invalid_argument", `cannot write a backup to ${path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    return { bytes: statSync(path).size };
  }

  async close(): Promise<void> {
    if (this.sql.db.open) this.group.flush(); // a failing batch rejects its own writers
    this.index.stop();
    await this.checkpointer?.stop();
    if (!this.sql.db.open) return;
    try {
      this.index.flush();
    } catch {
      // Left for the next flush by whoever opens the file (message-index.ts).
    }
    await this.vectors?.close();
    this.sql.db.close();
  }

  // passages
  insertPassages(items: passages.PassageInsert[]) {
    return this.write(() => this.sql.tx(() => passages.insertPassages(this.sql, items)));
  }
  getPassages(ids: string[]) {
    return this.read(() => passages.getPassages(this.sql, ids));
  }
  listPassages(filter: PassageFilter, q: Page): Promise<PassageRecord[]> {
    return this.read(() => passages.listPassages(this.sql, filter, q));
  }
  countPassages(filter: PassageFilter) {
    return this.read(() => passages.countPassages(this.sql, filter));
  }
  deletePassages(ids: string[]) {
    return this.write(() => passages.deletePassages(this.sql, ids));
  }
  passageTags(agentId: string) {
    return this.read(() => passages.passageTags(this.sql, agentId));
  }
  searchPassagesLexical(filter: PassageFilter, q: LexicalQuery) {
    return this.read(() => passages.searchPassagesLexical(this.sql, filter, q));
  }
  searchPassagesVector(filter: PassageFilter, embedding: Float32Array, limit: number) {
    return this.read(() => passages.searchPassagesVector(this.sql, filter, embedding, limit, this.vectors));
  }
  passageNeighbours(filter: PassageFilter, ids: string[]) {
    return this.read(() => passages.passageNeighbours(this.sql, filter, ids));
  }

  // sources and files
  createSource(source: SourceRecord) {
    return this.write(() => sources.createSource(this.sql, source));
  }
  getSource(id: string) {
    return this.read(() => getRecord(this.sql, sourceCodec, id));
  }
  getSourceByName(name: string) {
    return this.read(() => getRecordBy(this.sql, sourceCodec, "name", name));
  }
  listSources(q: Page & ProjectFilter & { name?: string }) {
    return this.read(() => sources.listSources(this.sql, q));
  }
  updateSource(id: string, patch: Partial<SourceRecord>) {
    return this.write(() => this.linked.write(() => sources.updateSource(this.sql, id, patch)));
  }
  deleteSource(id: string) {
    return this.write(() => this.linked.write(() => sources.deleteSource(this.sql, id)));
  }
  attachSource(agentId: string, sourceId: string) {
    return this.write(() => this.linked.write(() => attach(this.sql, agentSourcesJoin, agentId, sourceId)));
  }
  detachSource(agentId: string, sourceId: string) {
    return this.write(() => this.linked.write(() => detach(this.sql, agentSourcesJoin, agentId, sourceId)));
  }
  agentSources(agentId: string) {
    return this.read(() =>
      this.linked.agentSources(agentId, () => joined(this.sql, agentSourcesJoin, sourceCodec, agentId)),
    );
  }
  sourceAgents(sourceId: string) {
    return this.read(() => linkedAgents(this.sql, agentSourcesJoin, sourceId));
  }
  getFile(id: string) {
    return this.read(() => getRecord(this.sql, fileCodec, id));
  }
  findFile(sourceId: string, fileName: string) {
    return this.read(() => sources.findFile(this.sql, sourceId, fileName));
  }
  listFiles(sourceId: string, q: Page): Promise<FileRecord[]> {
    return this.read(() => sources.listFiles(this.sql, sourceId, q));
  }
  replaceFile(file: FileRecord, items: passages.PassageInsert[]) {
    return this.write(() => sources.replaceFile(this.sql, file, items));
  }
  deleteFile(id: string) {
    return this.write(() => sources.deleteFile(this.sql, id));
  }

  // memory nodes
  putMemoryNodes(agentId: string, tier: string, nodes: Array<{ id: string; data: Uint8Array }>) {
    return this.write(() => runs.putMemoryNodes(this.sql, agentId, tier, nodes));
  }
  getMemoryNodes(agentId: string, tier: string) {
    return this.read(() => runs.getMemoryNodes(this.sql, agentId, tier));
  }

  // open files
  openFile(agentId: string, fileId: string, window: { offset: number; length: number }, now: string) {
    return this.write(() => sources.openFile(this.sql, agentId, fileId, window, now));
  }
  closeFile(agentId: string, fileId: string) {
    return this.write(() => sources.closeFiles(this.sql, agentId, fileId) > 0);
  }
  listOpenFiles(agentId: string): Promise<OpenFileRecord[]> {
    return this.read(() => sources.listOpenFiles(this.sql, agentId));
  }
  closeAllFiles(agentId: string) {
    return this.write(() => sources.closeFiles(this.sql, agentId));
  }
}
