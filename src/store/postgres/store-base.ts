// What every part of the PostgreSQL store shares — the pool, the read/write paths and whether pgvector is
// on — and the document side of the contract (passages, sources, files, open files, memory nodes).
// PostgresStore (store.ts) adds the rest. No read caches: several replicas write the same rows, so every
// read asks the database (an index lookup away on the same host). Each write method is one transaction.
import { LmosError } from "../../errors.ts";
import type {
  FileRecord,
  LexicalQuery,
  OpenFileRecord,
  Page,
  ProjectFilter,
  PassageFilter,
  PassageRecord,
  RunOwner,
  SourceRecord,
} from "../types.ts";
import { fileCodec, sourceCodec } from "../sqlite/codecs.ts";
import type { Db, Q } from "./db.ts";
import { BEAT_MS, beat } from "./heartbeat.ts";
import * as passages from "./passages.ts";
import { agentSourcesJoin, attach, detach, getRecord, getRecordBy, joined, linkedAgents } from "./records.ts";
import { listBy } from "./agents.ts";
import * as runs from "./runs.ts";
import * as sources from "./sources.ts";
import { translate } from "./translate.ts";

// Deadlocks and serialisation failures are PostgreSQL's way of saying "run it again": the transaction
// rolled back whole, so a retry cannot apply anything twice.
const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 4;

/** Shared state and the document half of the Store contract. */
export abstract class PostgresStoreBase {
  constructor(
    protected readonly db: Db,
    /** True when the schema has pgvector columns (migrations.ts v2). */
    readonly pgvector: boolean,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  private heartbeat: NodeJS.Timeout | null = null;
  /** Starts beating for `owner` (heartbeat.ts): now, then every BEAT_MS until close. */
  async startHeartbeat(owner: RunOwner): Promise<void> {
    await this.write((q) => beat(q, owner));
    this.heartbeat = setInterval(() => void this.write((q) => beat(q, owner)).catch(() => {}), BEAT_MS);
    this.heartbeat.unref();
  }

  /** A read on the pool. */
  protected async read<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    try {
      return await fn(this.db);
    } catch (e) {
      throw translate(e);
    }
  }

  /** A write: fn in one transaction, retried when PostgreSQL rolled it back for a deadlock. */
  protected async write<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.tx(fn);
      } catch (e) {
        const code = (e as { code?: string })?.code ?? "";
        if (RETRYABLE.has(code) && attempt < ATTEMPTS) continue;
        throw translate(e);
      }
    }
  }

  /** PostgreSQL is backed up with its own tools; a file copy is the SQLite store's. */
  async backup(_path: string): Promise<{ bytes: number }> {
    throw new LmosError(
      "invalid_argument",
      "lmos cannot back up a PostgreSQL database to a file: use pg_dump (or your provider's snapshots)",
    );
  }

  private closed = false;
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.db.close();
    await this.onClose();
  }

  // passages
  insertPassages(items: passages.PassageInsert[]) {
    return this.write((q) => passages.insertPassages(q, items, this.pgvector));
  }
  getPassages(ids: string[]) {
    return this.read((q) => passages.getPassages(q, ids));
  }
  listPassages(filter: PassageFilter, page: Page): Promise<PassageRecord[]> {
    return this.read((q) => passages.listPassages(q, filter, page));
  }
  countPassages(filter: PassageFilter) {
    return this.read((q) => passages.countPassages(q, filter));
  }
  deletePassages(ids: string[]) {
    return this.write((q) => passages.deletePassages(q, ids));
  }
  passageTags(agentId: string) {
    return this.read((q) => passages.passageTags(q, agentId));
  }
  passageNeighbours(filter: PassageFilter, ids: string[]) {
    return this.read((q) => passages.passageNeighbours(q, filter, ids));
  }
  searchPassagesLexical(filter: PassageFilter, query: LexicalQuery) {
    return this.read((q) => passages.searchPassagesLexical(q, filter, query));
  }
  searchPassagesVector(filter: PassageFilter, embedding: Float32Array, limit: number) {
    return this.read((q) => passages.searchPassagesVector(q, filter, embedding, limit, this.pgvector));
  }

  // sources and files
  createSource(source: SourceRecord) {
    return this.write((q) => sources.createSource(q, source));
  }
  getSource(id: string) {
    return this.read((q) => getRecord(q, sourceCodec, id));
  }
  getSourceByName(name: string) {
    return this.read((q) => getRecordBy(q, sourceCodec, "name", name));
  }
  listSources(page: Page & ProjectFilter & { name?: string }) {
    return this.read((q) => listBy(q, sourceCodec, page, { name: page.name }));
  }
  updateSource(id: string, patch: Partial<SourceRecord>) {
    return this.write((q) => sources.updateSource(q, id, patch));
  }
  async deleteSource(id: string) {
    await this.write((q) => q.run("DELETE FROM sources WHERE id = ?", id));
  }
  attachSource(agentId: string, sourceId: string) {
    return this.write((q) => attach(q, agentSourcesJoin, agentId, sourceId));
  }
  detachSource(agentId: string, sourceId: string) {
    return this.write((q) => detach(q, agentSourcesJoin, agentId, sourceId));
  }
  agentSources(agentId: string) {
    return this.read((q) => joined(q, agentSourcesJoin, sourceCodec, agentId));
  }
  sourceAgents(sourceId: string) {
    return this.read((q) => linkedAgents(q, agentSourcesJoin, sourceId));
  }
  getFile(id: string) {
    return this.read((q) => getRecord(q, fileCodec, id));
  }
  findFile(sourceId: string, fileName: string) {
    return this.read((q) => sources.findFile(q, sourceId, fileName));
  }
  listFiles(sourceId: string, page: Page): Promise<FileRecord[]> {
    return this.read((q) => listBy(q, fileCodec, page, { source_id: sourceId }));
  }
  replaceFile(file: FileRecord, items: passages.PassageInsert[]) {
    return this.write((q) => sources.replaceFile(q, file, items, this.pgvector));
  }
  deleteFile(id: string) {
    return this.write((q) => sources.deleteFile(q, id));
  }

  // memory nodes
  putMemoryNodes(agentId: string, tier: string, nodes: Array<{ id: string; data: Uint8Array }>) {
    return this.write((q) => runs.putMemoryNodes(q, agentId, tier, nodes));
  }
  getMemoryNodes(agentId: string, tier: string) {
    return this.read((q) => runs.getMemoryNodes(q, agentId, tier));
  }

  // open files
  openFile(agentId: string, fileId: string, window: { offset: number; length: number }, now: string) {
    return this.write((q) => sources.openFile(q, agentId, fileId, window, now));
  }
  closeFile(agentId: string, fileId: string) {
    return this.write(async (q) => (await sources.closeFiles(q, agentId, fileId)) > 0);
  }
  listOpenFiles(agentId: string): Promise<OpenFileRecord[]> {
    return this.read((q) => sources.listOpenFiles(q, agentId));
  }
  closeAllFiles(agentId: string) {
    return this.write((q) => sources.closeFiles(q, agentId));
  }
}
