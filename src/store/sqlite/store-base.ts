// The document side of the SQLite store (passages, sources, files, open files, memory nodes) and what
// every part shares: the connection, the read caches, the deferred message index, error translation.
// SqliteStore (store.ts) adds agents, blocks, tools, messages and runs on top.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LmosError } from "../../errors.ts";
import type {
  FileRecord,
  LexicalQuery,
  OpenFileRecord,
  Page,
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
import * as passages from "./passages.ts";
import { agentSourcesJoin, attach, detach, getRecord, getRecordBy, joined, linkedAgents } from "./records.ts";
import * as runs from "./runs.ts";
import * as sources from "./sources.ts";
import type { Sql } from "./sql.ts";
import { translate } from "./translate.ts";

/** The embedded SQLite implementation of Store. */

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
    private readonly checkpointer: BackgroundCheckpointer | null = null,
  ) {
    const foreign = new ForeignWrites(sql);
    this.cache = new AgentCache(foreign);
    this.linked = new LinkedCache(foreign);
    this.index = new DeferredMessageIndex(sql);
    // A batch that rolled back as a whole ran its writes' cache updates: forget what the caches hold.
    this.group = new GroupCommit(sql, () => {
      this.cache.clear();
      this.linked.clear();
    });
  }

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
    return this.read(() => passages.searchPassagesVector(this.sql, filter, embedding, limit));
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
  listSources(q: Page & { name?: string }) {
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
