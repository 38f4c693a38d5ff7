// The Store contract, passages and search: archival memory and document chunks, with BM25 and vector
// search under one filter. Conformance: conformance/passages.testkit.ts.
import type { PassageRecord } from "../records.ts";
import type { LexicalQuery, Neighbours, Page, RankedId } from "./queries.ts";

export interface PassageFilter {
  agentId?: string;
  sourceIds?: string[];
  fileId?: string;
  tags?: string[];
  tagMatch?: "any" | "all";
  start?: string;
  end?: string;
}

export interface PassageStore {
  insertPassages(items: Array<{ passage: PassageRecord; embedding?: Float32Array }>): Promise<void>;
  getPassages(ids: string[]): Promise<PassageRecord[]>;
  listPassages(filter: PassageFilter, q: Page): Promise<PassageRecord[]>;
  countPassages(filter: PassageFilter): Promise<number>;
  deletePassages(ids: string[]): Promise<void>;
  passageTags(agentId: string): Promise<string[]>;
  searchPassagesLexical(filter: PassageFilter, q: LexicalQuery): Promise<RankedId[]>;
  searchPassagesVector(filter: PassageFilter, embedding: Float32Array, limit: number): Promise<RankedId[]>;
  /** For each known id (in the order asked; unknown ids are left out), the passages just before and after
   * it among those matching `filter`, in its own sequence: for a document passage the same file's chunks in
   * insertion order, for an archival passage the same agent's archival passages by (createdAt, insertion
   * order). */
  passageNeighbours(filter: PassageFilter, ids: string[]): Promise<Neighbours[]>;
}
