// The Store contract, passages and search: archival memory and document chunks, with BM25 and vector
// search under one filter. Conformance: conformance/passages.testkit.ts.
import type { PassageRecord } from "../records.ts";
import type { LexicalQuery, Page, RankedId } from "./queries.ts";

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
}
