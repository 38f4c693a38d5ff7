// Store records → Letta's response shapes (Block, Tool, Passage, Folder, FileMetadata, Model,
// EmbeddingModel). Field names follow @letta-ai/letta-client; fields lmos has no notion of get Letta's
// neutral defaults so clients that read them see what a fresh Letta server would send.
import type { ModelInfo } from "../../llm/types.ts";
import type { BlockRecord, FileRecord, PassageRecord, SourceRecord, ToolRecord } from "../../store/types.ts";

type Json = Record<string, unknown>;

/** Known embedding dimensions by model name, for embedding_config (0 when unknown). */
const EMBEDDING_DIMS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
  "universal-sentence-encoder-lite": 512,
};

function splitHandle(handle: string): { provider: string; model: string } {
  const i = handle.indexOf("/");
  return i < 0
    ? { provider: handle, model: handle }
    : { provider: handle.slice(0, i), model: handle.slice(i + 1) };
}

/** Letta's EmbeddingConfig for an embedding handle, or null for lexical-only. */
export function embeddingConfig(handle: string | null, dims?: number | null): Json | null {
  if (!handle) return null;
  const { provider, model } = splitHandle(handle);
  return {
    handle,
    embedding_endpoint_type: provider,
    embedding_endpoint: null,
    embedding_model: model,
    embedding_dim: dims ?? EMBEDDING_DIMS[model] ?? 0,
    embedding_chunk_size: 300,
    batch_size: 256,
  };
}

// Folders require an embedding_config; lexical-only sources get this placeholder.
const LEXICAL_ONLY: Json = {
  handle: null,
  embedding_endpoint_type: "none",
  embedding_endpoint: null,
  embedding_model: "none",
  embedding_dim: 0,
};

/** Letta's LlmConfig for a model. */
export function llmConfig(model: ModelInfo, heartbeats: boolean): Json {
  return {
    handle: model.handle,
    model: model.model,
    display_name: model.model,
    model_endpoint_type: model.provider,
    model_endpoint: null,
    provider_name: model.provider,
    provider_category: "base",
    context_window: model.contextWindow,
    put_inner_thoughts_in_kwargs: heartbeats,
    temperature: 0.7,
    max_tokens: null,
    enable_reasoner: false,
    parallel_tool_calls: false,
  };
}

/** BlockResponse. */
export function blockToLetta(b: BlockRecord): Json {
  return {
    id: b.id,
    label: b.label,
    value: b.value,
    limit: b.limit,
    description: b.description,
    read_only: b.readOnly,
    metadata: b.metadata,
    tags: b.tags,
    is_template: false,
    hidden: null,
    project_id: null,
    template_name: null,
    created_by_id: null,
    last_updated_by_id: null,
    created_at: b.createdAt,
    updated_at: b.updatedAt,
  };
}

/** Tool. */
export function toolToLetta(t: ToolRecord): Json {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    json_schema: t.jsonSchema,
    args_json_schema: null,
    source_code: t.sourceCode,
    source_type: t.sourceType,
    tool_type: t.toolType,
    tags: t.tags,
    return_char_limit: t.returnCharLimit,
    // lmos's own field: the tool's sandbox limits and grants (null: the server's defaults).
    sandbox: t.sandbox
      ? {
          timeout_ms: t.sandbox.timeoutMs ?? null,
          memory_mb: t.sandbox.memoryMb ?? null,
          network: t.sandbox.network ?? null,
          allowed_hosts: t.sandbox.allowedHosts ?? null,
          filesystem: t.sandbox.filesystem ?? null,
        }
      : null,
    metadata_: t.metadata ?? {},
    pip_requirements: null,
    npm_requirements: null,
    default_requires_approval: t.defaultRequiresApproval ?? false,
    enable_parallel_execution: false,
    project_id: null,
    created_by_id: null,
    last_updated_by_id: null,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}

/** Passage. */
export function passageToLetta(p: PassageRecord): Json {
  return {
    id: p.id,
    text: p.text,
    embedding: null,
    embedding_config: embeddingConfig(p.embeddingModel),
    archive_id: p.agentId ? `archive-${p.agentId.slice("agent-".length)}` : null,
    source_id: p.sourceId,
    file_id: p.fileId,
    file_name: null,
    tags: p.tags,
    metadata: p.metadata,
    is_deleted: false,
    created_by_id: null,
    created_at: p.createdAt,
    updated_at: p.createdAt,
  };
}

/** Folder (Letta's folders are lmos sources; ids keep the `source-` prefix). */
export function folderToLetta(s: SourceRecord): Json {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    instructions: s.instructions,
    metadata: s.metadata,
    embedding_config: embeddingConfig(s.embedding) ?? LEXICAL_ONLY,
    vector_db_provider: "native",
    created_by_id: null,
    last_updated_by_id: null,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

/** FileMetadata / FileUploadResponse. */
export function fileToLetta(f: FileRecord, includeContent = false): Json {
  return {
    id: f.id,
    source_id: f.sourceId,
    folder_id: f.sourceId,
    file_name: f.fileName,
    original_file_name: f.fileName,
    file_path: null,
    file_type: f.fileType,
    file_size: f.fileSize,
    processing_status: f.status,
    error_message: f.error,
    total_chunks: f.totalChunks,
    chunks_embedded: f.status === "completed" ? f.totalChunks : 0,
    content: includeContent ? f.text : null,
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  };
}

/** Model (GET /v1/models/). */
export function modelToLetta(m: ModelInfo): Json {
  return {
    handle: m.handle,
    name: m.model,
    display_name: m.model,
    model: m.model,
    model_type: "llm",
    model_endpoint_type: m.provider,
    model_endpoint: null,
    provider_name: m.provider,
    provider_type: m.provider,
    provider_category: "base",
    context_window: m.contextWindow,
    max_context_window: m.contextWindow,
    temperature: 0.7,
    max_tokens: null,
    enable_reasoner: false,
    put_inner_thoughts_in_kwargs: true,
  };
}

/** EmbeddingModel (GET /v1/models/embedding). */
export function embeddingModelToLetta(e: { handle: string; dimensions: number | null }): Json {
  const { provider, model } = splitHandle(e.handle);
  return {
    handle: e.handle,
    name: model,
    display_name: model,
    embedding_model: model,
    embedding_endpoint_type: provider,
    embedding_endpoint: null,
    embedding_dim: e.dimensions ?? EMBEDDING_DIMS[model] ?? 0,
    embedding_chunk_size: 300,
    batch_size: 256,
    model_type: "embedding",
    provider_name: provider,
    provider_type: provider,
  };
}
