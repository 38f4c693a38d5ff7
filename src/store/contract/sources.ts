// The Store contract, sources and files: document folders, their files (each with its passages) and which
// agents they are attached to. Conformance: conformance/sources.testkit.ts.
import type { FileRecord, PassageRecord, SourceRecord } from "../records.ts";
import type { Page } from "./queries.ts";
import type { ProjectFilter } from "./tenancy.ts";

export interface SourceStore {
  createSource(source: SourceRecord): Promise<void>;
  getSource(id: string): Promise<SourceRecord | null>;
  getSourceByName(name: string): Promise<SourceRecord | null>;
  listSources(q: Page & ProjectFilter & { name?: string }): Promise<SourceRecord[]>;
  updateSource(id: string, patch: Partial<SourceRecord>): Promise<SourceRecord>;
  deleteSource(id: string): Promise<void>;
  attachSource(agentId: string, sourceId: string): Promise<void>;
  detachSource(agentId: string, sourceId: string): Promise<void>;
  agentSources(agentId: string): Promise<SourceRecord[]>;
  sourceAgents(sourceId: string): Promise<string[]>;
  getFile(id: string): Promise<FileRecord | null>;
  findFile(sourceId: string, fileName: string): Promise<FileRecord | null>;
  listFiles(sourceId: string, q: Page): Promise<FileRecord[]>;
  /** Replaces the file (same id or same source+name) and all its passages in one transaction. */
  replaceFile(
    file: FileRecord,
    passages: Array<{ passage: PassageRecord; embedding?: Float32Array }>,
  ): Promise<void>;
  deleteFile(id: string): Promise<void>;
}
