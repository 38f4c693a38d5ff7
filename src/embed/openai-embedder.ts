// OpenAI-compatible /embeddings (OpenAI, Ollama, vLLM, …) through the official SDK.
import OpenAI from "openai";
import { LmosError } from "../errors.ts";
import type { Embedder } from "./types.ts";

/** Most inputs sent in one /embeddings request. */
export const EMBEDDING_BATCH_SIZE = 256;

export interface OpenAIEmbedderConfig {
  handle: string;
  model: string;
  apiKey: string;
  baseURL: string;
  maxRetries: number;
  timeoutMs: number;
}

/** A vector from the wire: base64 little-endian float32 (what we ask for) or a plain array (servers that ignore it). */
function toVector(v: unknown): Float32Array {
  if (typeof v === "string") {
    const bytes = Buffer.from(v, "base64");
    // Copy into a fresh, aligned buffer: Buffer's pool offset need not be a multiple of 4.
    const out = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if (Array.isArray(v)) return Float32Array.from(v as number[]);
  throw new LmosError("provider_error", "The embeddings server returned a vector in an unknown format");
}

function toEmbedError(e: unknown, config: OpenAIEmbedderConfig, signal?: AbortSignal): LmosError {
  if (e instanceof LmosError) return e;
  const who = `${config.handle} at ${config.baseURL}`;
  if (signal?.aborted || e instanceof OpenAI.APIUserAbortError) {
    return new LmosError("cancelled", `Embedding with ${config.handle} was cancelled`, { cause: e });
  }
  if (e instanceof OpenAI.APIConnectionTimeoutError) {
    return new LmosError(
      "provider_timeout",
      `${who} did not answer within ${config.timeoutMs} ms; raise LMOS_LLM_TIMEOUT_MS or check the server`,
      { cause: e },
    );
  }
  if (e instanceof OpenAI.APIError) {
    const status = e.status === undefined ? "" : ` with HTTP ${e.status}`;
    return new LmosError("provider_error", `Embedding with ${who} failed${status}: ${e.message}`, {
      cause: e,
    });
  }
  return new LmosError("provider_error", `Embedding with ${who} failed: ${String(e)}`, { cause: e });
}

/** An Embedder over an OpenAI-compatible /embeddings endpoint, in batches of ≤ 256 inputs. */
export function createOpenAIEmbedder(config: OpenAIEmbedderConfig): Embedder {
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    maxRetries: config.maxRetries,
    timeout: config.timeoutMs,
  });

  async function batch(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    // The OpenAI API rejects empty strings; a lone space embeds as "nothing" just as well.
    const input = texts.map((t) => (t === "" ? " " : t));
    const r = await client.embeddings.create(
      { model: config.model, input, encoding_format: "base64" },
      { signal },
    );
    if (r.data.length !== texts.length) {
      throw new LmosError(
        "provider_error",
        `${config.handle} returned ${r.data.length} embeddings for ${texts.length} inputs`,
      );
    }
    return [...r.data].sort((a, b) => a.index - b.index).map((d) => toVector(d.embedding));
  }

  return {
    handle: config.handle,
    async embed(texts, options = {}) {
      const out: Float32Array[] = [];
      try {
        for (let i = 0; i < texts.length; i += EMBEDDING_BATCH_SIZE) {
          out.push(...(await batch(texts.slice(i, i + EMBEDDING_BATCH_SIZE), options.signal)));
        }
      } catch (e) {
        throw toEmbedError(e, config, options.signal);
      }
      return out;
    },
  };
}
