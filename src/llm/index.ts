// The llm layer's public face: handles, model info, providers and token counting.
export { createAnthropicProvider, toAnthropicMessages } from "./anthropic.ts";
export {
  createProvider,
  DEFAULT_LLM_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  PROVIDER_NAMES,
  providerConfig,
  providerForHandle,
} from "./create-provider.ts";
export { DEFAULT_CONTEXT_WINDOW, type Env, modelInfo, parseHandle } from "./handle.ts";
export { createOpenAICompatibleProvider, type DriverConfig } from "./openai-compatible.ts";
export { countMessageTokens, countToolTokens, createTokenCounter, type TokenCounter } from "./tokens.ts";
export type * from "./types.ts";
