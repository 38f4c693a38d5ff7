// Ingests one file into a source: read → hash → parse → chunk → embed → replace the file and its
// passages in one transaction. An unchanged file (same sha256) is a no-op; a failure becomes a
// FileRecord with status "error" and never throws, so one bad file cannot stop a batch.
import type { Embedder } from "../embed/types.ts";
import { LmosError } from "../errors.ts";
import { newId } from "../store/index.ts";
import type { FileRecord, PassageRecord, SourceRecord, Store } from "../store/types.ts";
import { type ChunkOptions, chunkText } from "./chunk.ts";
import { checkFileName } from "./file-type.ts";
import { parseDocument } from "./parse.ts";
import { contentHash, type DocumentInput, inputSize, readInput } from "./read-input.ts";

/** Where one file's ingest stands (the same shape as the public API's IngestProgress). */
export interface IngestProgress {
  file: string;
  phase: "parsing" | "chunking" | "embedding" | "storing" | "done" | "skipped" | "error";
  bytes: number;
  totalBytes: number;
  chunks?: number;
  error?: string;
}

export interface IngestOptions {
  onProgress?: (p: IngestProgress) => void;
  signal?: AbortSignal;
  chunk?: ChunkOptions;
  /** Texts per embedding request. */
  embedBatch?: number;
}

export interface IngestOutcome {
  file: FileRecord;
  status: "ingested" | "unchanged" | "error";
  error?: string;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LmosError("cancelled", "ingest cancelled");
}

function errorRecord(
  source: SourceRecord,
  name: string,
  size: number,
  message: string,
  now: string,
): FileRecord {
  return {
    id: newId("file"),
    sourceId: source.id,
    fileName: name,
    fileType: "",
    fileSize: size,
    contentHash: "",
    status: "error",
    error: message,
    totalChunks: 0,
    text: "",
    createdAt: now,
    updatedAt: now,
  };
}

async function embedAll(
  embedder: Embedder,
  texts: string[],
  batch: number,
  signal: AbortSignal | undefined,
  progress: (done: number) => void,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += batch) {
    checkAborted(signal);
    out.push(...(await embedder.embed(texts.slice(i, i + batch), { signal })));
    progress(out.length);
  }
  return out;
}

/** Ingests one file into `source`; passages are embedded when `embedder` is given. Never throws. */
export async function ingestDocument(
  store: Store,
  source: SourceRecord,
  embedder: Embedder | null,
  input: DocumentInput,
  options: IngestOptions = {},
): Promise<IngestOutcome> {
  const name = input.name;
  const report = (p: Omit<IngestProgress, "file">) => options.onProgress?.({ file: name, ...p });
  let size = 0;
  let existing: FileRecord | null = null;
  let nameOk = false;
  try {
    checkFileName(name);
    nameOk = true;
    existing = await store.findFile(source.id, name);
    size = await inputSize(input);
    report({ phase: "parsing", bytes: 0, totalBytes: size });
    const bytes = await readInput(input);
    const hash = contentHash(bytes);
    if (existing && existing.contentHash === hash && existing.status === "completed") {
      report({ phase: "skipped", bytes: size, totalBytes: size, chunks: existing.totalChunks });
      return { file: existing, status: "unchanged" };
    }
    checkAborted(options.signal);
    const parsed = await parseDocument(name, bytes);
    report({ phase: "chunking", bytes: 0, totalBytes: size });
    const chunks = chunkText(parsed.text, options.chunk);
    let embeddings: Float32Array[] | null = null;
    if (embedder) {
      report({ phase: "embedding", bytes: 0, totalBytes: size, chunks: chunks.length });
      embeddings = await embedAll(
        embedder,
        chunks.map((c) => c.text),
        options.embedBatch ?? 64,
        options.signal,
        (done) =>
          report({
            phase: "embedding",
            bytes: Math.round((size * done) / chunks.length),
            totalBytes: size,
            chunks: chunks.length,
          }),
      );
    }
    checkAborted(options.signal);
    report({ phase: "storing", bytes: size, totalBytes: size, chunks: chunks.length });
    const now = new Date().toISOString();
    const file: FileRecord = {
      id: existing?.id ?? newId("file"),
      sourceId: source.id,
      fileName: name,
      fileType: parsed.fileType,
      fileSize: size,
      contentHash: hash,
      status: "completed",
      error: null,
      totalChunks: chunks.length,
      text: parsed.text,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    const passages = chunks.map((c, i) => {
      const passage: PassageRecord = {
        id: newId("passage"),
        agentId: null,
        sourceId: source.id,
        fileId: file.id,
        text: c.text,
        tags: [],
        metadata: { file_name: name, start_line: c.startLine, end_line: c.endLine, heading: c.heading },
        embeddingModel: embedder?.handle ?? null,
        createdAt: now,
      };
      return embeddings ? { passage, embedding: embeddings[i] } : { passage };
    });
    await store.replaceFile(file, passages);
    report({ phase: "done", bytes: size, totalBytes: size, chunks: chunks.length });
    return { file, status: "ingested" };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    report({ phase: "error", bytes: 0, totalBytes: size, error: message });
    const record = errorRecord(source, name, size, message, new Date().toISOString());
    // A failed file is listed (as Letta does) unless that would replace a good earlier version or
    // the name itself is invalid; persisting is best effort, the outcome is the error either way.
    if (existing?.status === "error") record.id = existing.id;
    if (nameOk && (!existing || existing.status === "error")) {
      await store.replaceFile(record, []).catch(() => undefined);
    }
    return { file: record, status: "error", error: message };
  }
}
