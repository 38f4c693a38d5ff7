// The models and embedding models the configuration can reach, for GET /v1/models and the CLI.
import { LOCAL_EMBEDDING_DIMENSIONS, LOCAL_EMBEDDING_HANDLE } from "../embed/index.ts";
import { modelInfo } from "../llm/index.ts";
import type { ModelInfo } from "../llm/types.ts";
import { FALLBACK_MODEL, type ResolvedConfig } from "./config.ts";

const OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini"];
const ANTHROPIC_MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5"];
const OPENAI_EMBEDDINGS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

/** The default model first, then well-known models of each provider that has a key. */
export function knownModels(config: ResolvedConfig): ModelInfo[] {
  const { env } = config;
  const handles = [config.defaultModel ?? FALLBACK_MODEL];
  // Behind a custom base URL we cannot know the model names; only the configured default is listed.
  if (env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) handles.push(...OPENAI_MODELS.map((m) => `openai/${m}`));
  if (env.ANTHROPIC_API_KEY) handles.push(...ANTHROPIC_MODELS.map((m) => `anthropic/${m}`));
  const out: ModelInfo[] = [];
  for (const h of new Set(handles)) {
    try {
      out.push(modelInfo(h, env));
    } catch {
      // an invalid LMOS_MODEL is reported when an agent uses it
    }
  }
  return out;
}

/** The default embedding model (if any), then OpenAI's when an OpenAI key is set, then the built-in local one. */
export function knownEmbeddingModels(
  config: ResolvedConfig,
): Array<{ handle: string; dimensions: number | null }> {
  const out = new Map<string, number | null>();
  if (config.defaultEmbedding) {
    const model = config.defaultEmbedding.split("/").slice(1).join("/");
    const local = config.defaultEmbedding === LOCAL_EMBEDDING_HANDLE ? LOCAL_EMBEDDING_DIMENSIONS : null;
    out.set(config.defaultEmbedding, OPENAI_EMBEDDINGS[model] ?? local);
  }
  if (config.env.OPENAI_API_KEY && !config.env.OPENAI_BASE_URL) {
    for (const [m, d] of Object.entries(OPENAI_EMBEDDINGS)) out.set(`openai/${m}`, d);
  }
  out.set(LOCAL_EMBEDDING_HANDLE, LOCAL_EMBEDDING_DIMENSIONS);
  return [...out].map(([handle, dimensions]) => ({ handle, dimensions }));
}
