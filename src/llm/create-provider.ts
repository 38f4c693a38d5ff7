// Picks and configures a driver for a provider name from environment variables.
import {
  DEFAULT_LLM_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  intFromEnv,
  LOCAL_OPENAI_SERVERS as localServers,
} from "../env.ts";
import { LmosError } from "../errors.ts";
import { createAnthropicProvider } from "./anthropic.ts";
import { type Env, parseHandle } from "./handle.ts";
import { createOpenAICompatibleProvider, type DriverConfig } from "./openai-compatible.ts";
import type { Provider } from "./types.ts";

export { DEFAULT_LLM_TIMEOUT_MS, DEFAULT_MAX_RETRIES } from "../env.ts";

// Local servers need no key, but the SDK insists on one.
const PLACEHOLDER_KEY = "not-needed";

/** Provider names createProvider understands. */
export const PROVIDER_NAMES = ["openai", "anthropic", ...Object.keys(localServers)] as const;

function noProvider(what: string): LmosError {
  return new LmosError(
    "no_provider",
    `No model provider configured for ${what}: set OPENAI_API_KEY (or OPENAI_BASE_URL for Ollama, vLLM, llama.cpp, LM Studio), or use an anthropic/ model with ANTHROPIC_API_KEY`,
  );
}

/** The driver configuration for a provider name, or an LmosError saying what to set. */
export function providerConfig(
  name: string,
  env: Env,
  forHandle?: string,
): DriverConfig & { kind: "openai" | "anthropic" } {
  const common = {
    name,
    maxRetries: intFromEnv(env, "LMOS_MAX_RETRIES", DEFAULT_MAX_RETRIES, 0),
    timeoutMs: intFromEnv(env, "LMOS_LLM_TIMEOUT_MS", DEFAULT_LLM_TIMEOUT_MS, 1),
  };
  const what = forHandle ?? `${name}/…`;
  if (name === "openai") {
    const apiKey = env.OPENAI_API_KEY;
    const baseURL = env.OPENAI_BASE_URL;
    if (!apiKey && !baseURL) throw noProvider(what);
    return {
      ...common,
      kind: "openai",
      apiKey: apiKey || PLACEHOLDER_KEY,
      baseURL: baseURL || "https://api.openai.com/v1",
    };
  }
  if (name === "anthropic") {
    const apiKey = env.ANTHROPIC_API_KEY;
    const baseURL = env.ANTHROPIC_BASE_URL;
    if (!apiKey && !baseURL) {
      throw new LmosError("no_provider", `No model provider configured for ${what}: set ANTHROPIC_API_KEY`);
    }
    return {
      ...common,
      kind: "anthropic",
      apiKey: apiKey || PLACEHOLDER_KEY,
      baseURL: baseURL || "https://api.anthropic.com",
    };
  }
  const local = localServers[name];
  if (local) {
    return {
      ...common,
      kind: "openai",
      apiKey: env[local.keyEnv] || PLACEHOLDER_KEY,
      baseURL: env[local.env] || local.url,
    };
  }
  throw new LmosError(
    "invalid_argument",
    `Unknown model provider "${name}" in ${what}: use one of ${PROVIDER_NAMES.join(", ")}`,
  );
}

const cache = new Map<string, Provider>();

/** A Provider for a provider name ("openai", "anthropic", "ollama", …), configured from env; cached. */
export function createProvider(name: string, env: Env = process.env, forHandle?: string): Provider {
  const config = providerConfig(name.toLowerCase(), env, forHandle);
  const key = JSON.stringify(config);
  let provider = cache.get(key);
  if (!provider) {
    provider =
      config.kind === "anthropic" ? createAnthropicProvider(config) : createOpenAICompatibleProvider(config);
    cache.set(key, provider);
  }
  return provider;
}

/** The provider and bare model name for a handle: `providerForHandle("openai/gpt-4o-mini", env)`. */
export function providerForHandle(
  handle: string,
  env: Env = process.env,
): { provider: Provider; model: string } {
  const { provider, model } = parseHandle(handle);
  return { provider: createProvider(provider, env, handle), model };
}
