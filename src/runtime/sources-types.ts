// lmos.sources: documents (Letta "folders"), their files and passages, and what an ingest reports.
import type { IngestProgress } from "../sources/index.ts";
import type { FileRecord, Page, PassageRecord, ProjectFilter, SourceRecord } from "../store/types.ts";

export interface IngestReport {
  files: Array<{
    path: string;
    file: FileRecord | null;
    status: "ingested" | "unchanged" | "error";
    error?: string;
  }>;
  ok: number;
  unchanged: number;
  failed: number;
}

export interface SourceSearchHit {
  passage: PassageRecord;
  file: Pick<FileRecord, "id" | "fileName">;
  score: number;
}

/** Documents: sources (Letta "folders"), their files and passages. Sources are addressed by id or name. */
export interface SourcesApi {
  create(input: {
    name: string;
    description?: string;
    instructions?: string;
    embedding?: string | null;
  }): Promise<SourceRecord>;
  get(idOrName: string): Promise<SourceRecord>;
  list(query?: Page & ProjectFilter & { name?: string }): Promise<SourceRecord[]>;
  update(
    idOrName: string,
    patch: { name?: string; description?: string; instructions?: string },
  ): Promise<SourceRecord>;
  delete(idOrName: string): Promise<void>;
  attach(sourceIdOrName: string, agentIdOrName: string): Promise<void>;
  detach(sourceIdOrName: string, agentIdOrName: string): Promise<void>;
  agents(sourceIdOrName: string): Promise<string[]>;
  /** Ingests one file given as bytes or a path on disk; a bad file gives a FileRecord with status "error",
   * a bad name (empty, a path, "..", control characters) throws LmosError("invalid_argument"). */
  upload(
    sourceIdOrName: string,
    file: { name: string; path?: string; data?: Uint8Array },
    options?: { onProgress?: (p: IngestProgress) => void; signal?: AbortSignal },
  ): Promise<FileRecord>;
  /** Ingests files, globs and directories; one failed file never stops the others. */
  ingest(
    sourceIdOrName: string,
    paths: string[],
    options?: { onProgress?: (p: IngestProgress) => void; signal?: AbortSignal },
  ): Promise<IngestReport>;
  files(sourceIdOrName: string, query?: Page): Promise<FileRecord[]>;
  getFile(sourceIdOrName: string, fileId: string): Promise<FileRecord>;
  deleteFile(sourceIdOrName: string, fileId: string): Promise<void>;
  search(sourceIdOrName: string, query: string, options?: { limit?: number }): Promise<SourceSearchHit[]>;
}
