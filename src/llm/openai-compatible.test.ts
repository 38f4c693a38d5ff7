import { createProvider } from "./create-provider.ts";
import { providerContract } from "./provider-contract.testkit.ts";

providerContract("openai-compatible", (model, { maxRetries, timeoutMs }) =>
  createProvider("openai", {
    OPENAI_BASE_URL: model.url,
    LMOS_MAX_RETRIES: String(maxRetries),
    LMOS_LLM_TIMEOUT_MS: String(timeoutMs),
  }),
);
