// Picks the embedder for a handle from environment variables; "none" (lexical only) is the default,
// "local" the built-in offline one.
import {
  DEFAULT_LLM_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  type Env,
  intFromEnv,
  LOCAL_OPENAI_SERVERS as localServers,
} from "../env.ts";
import { LmosError } from "../errors.ts";
import { createLocalEmbedder, LOCAL_EMBEDDING_HANDLE } from "./local-embedder.ts";
import { createOpenAIEmbedder } from "./openai-embedder.ts";
import type { Embedder } from "./types.ts";

export type { Env } from "../env.ts";

/** The embedder for a handle ("openai/text-embedding-3-small", "ollama/nomic-embed-text", "local"), or null for none. */
export function createEmbedder(handle: string | null | undefined, env: Env = process.env): Embedder | null {
  if (handle == null || handle === "" || handle.toLowerCase() === "none") return null;
  if (handle.toLowerCase() === "local" || handle.toLowerCase() === LOCAL_EMBEDDING_HANDLE) {
    return createLocalEmbedder(handle);
  }
  const slash = handle.indexOf("/");
  if (slash <= 0 || slash === handle.length - 1) {
    throw new LmosError(
      "invalid_argument",
      `Invalid embedding handle "${handle}": use provider/model (e.g. openai/text-embedding-3-small), local, or none`,
    );
  }
  const provider = handle.slice(0, slash).toLowerCase();
  const model = handle.slice(slash + 1);
  const common = {
    handle,
    model,
    maxRetries: intFromEnv(env, "LMOS_MAX_RETRIES", DEFAULT_MAX_RETRIES, 0),
    timeoutMs: intFromEnv(env, "LMOS_LLM_TIMEOUT_MS", DEFAULT_LLM_TIMEOUT_MS, 1),
  };
  if (provider === "openai") {
    if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
      throw new LmosError(
        "no_provider",
        `No embedding provider configured for ${handle}: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server), or use embedding none`,
      );
    }
    return createOpenAIEmbedder({
      ...common,
      apiKey: env.OPENAI_API_KEY || "not-needed",
      baseURL: env.OPENAI_BASE_URL || "https://api.openai.com/v1",
    });
  }
  if (provider === "local") {
    throw new LmosError(
      "invalid_argument",
      `Unknown local embedding model in ${handle}: the built-in one is ${LOCAL_EMBEDDING_HANDLE} (or just local)`,
    );
  }
  const local = localServers[provider];
  if (local) {
    return createOpenAIEmbedder({ ...common, apiKey: "not-needed", baseURL: env[local.env] || local.url });
  }
  throw new LmosError(
    "invalid_argument",
    `Unknown embedding provider "${provider}" in ${handle}: use openai/<model>, ${Object.keys(localServers).join("/, ")}/<model>, local, or none`,
  );
}
