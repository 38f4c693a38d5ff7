// Configuration read from environment variables that the llm and embed layers share: the local
// OpenAI-compatible servers, request limits, and integer parsing with an error a user can act on.
import { LmosError } from "./errors.ts";

/** Environment variables, as in `process.env`. */
export type Env = Record<string, string | undefined>;

/** Retries the SDKs make on 429/5xx/timeouts/connection errors when LMOS_MAX_RETRIES is unset. */
export const DEFAULT_MAX_RETRIES = 2;
/** Per-request timeout when LMOS_LLM_TIMEOUT_MS is unset. */
export const DEFAULT_LLM_TIMEOUT_MS = 120_000;

/** OpenAI-compatible local servers: their base-URL and key variables and the server's usual address. */
export const LOCAL_OPENAI_SERVERS: Record<string, { env: string; keyEnv: string; url: string }> = {
  ollama: { env: "OLLAMA_BASE_URL", keyEnv: "OLLAMA_API_KEY", url: "http://localhost:11434/v1" },
  vllm: { env: "VLLM_BASE_URL", keyEnv: "VLLM_API_KEY", url: "http://localhost:8000/v1" },
  lmstudio: { env: "LMSTUDIO_BASE_URL", keyEnv: "LMSTUDIO_API_KEY", url: "http://localhost:1234/v1" },
  llamacpp: { env: "LLAMACPP_BASE_URL", keyEnv: "LLAMACPP_API_KEY", url: "http://localhost:8080/v1" },
};

/** An integer variable ≥ min, or `fallback` when unset; anything else is an invalid_argument error. */
export function intFromEnv(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new LmosError("invalid_argument", `${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return n;
}
