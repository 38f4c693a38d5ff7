import { describe, expect, it } from "vitest";
import { createProvider, providerConfig, providerForHandle } from "./create-provider.ts";

describe("createProvider", () => {
  it("says exactly what to set when nothing is configured", () => {
    expect(() => createProvider("openai", {}, "openai/gpt-4o-mini")).toThrow(
      expect.objectContaining({
        code: "no_provider",
        message: expect.stringMatching(/openai\/gpt-4o-mini: set OPENAI_API_KEY .*OPENAI_BASE_URL/),
      }),
    );
    expect(() => createProvider("anthropic", {})).toThrow(/ANTHROPIC_API_KEY/);
  });

  it("rejects an unknown provider, listing the known ones", () => {
    expect(() => createProvider("acme", {})).toThrow(expect.objectContaining({ code: "invalid_argument" }));
  });

  it("accepts a base URL without a key for local servers, and defaults Ollama's address", () => {
    expect(providerConfig("openai", { OPENAI_BASE_URL: "http://localhost:9/v1" })).toMatchObject({
      kind: "openai",
      baseURL: "http://localhost:9/v1",
    });
    expect(providerConfig("ollama", {})).toMatchObject({
      baseURL: "http://localhost:11434/v1",
      kind: "openai",
    });
    expect(providerConfig("anthropic", { ANTHROPIC_API_KEY: "k" })).toMatchObject({ kind: "anthropic" });
  });

  it("reads retries and timeout from env and validates them", () => {
    const env = { OPENAI_API_KEY: "k", LMOS_MAX_RETRIES: "5", LMOS_LLM_TIMEOUT_MS: "1000" };
    expect(providerConfig("openai", env)).toMatchObject({ maxRetries: 5, timeoutMs: 1000 });
    expect(providerConfig("openai", { OPENAI_API_KEY: "k" })).toMatchObject({
      maxRetries: 2,
      timeoutMs: 120_000,
    });
    expect(() => providerConfig("openai", { OPENAI_API_KEY: "k", LMOS_MAX_RETRIES: "-1" })).toThrow(
      /LMOS_MAX_RETRIES/,
    );
  });

  it("caches one provider per configuration", () => {
    const env = { OPENAI_API_KEY: "k" };
    expect(createProvider("openai", env)).toBe(createProvider("openai", { ...env }));
    expect(createProvider("openai", env)).not.toBe(createProvider("openai", { OPENAI_API_KEY: "other" }));
    expect(createProvider("ollama", {}).name).toBe("ollama");
  });
});

describe("providerForHandle", () => {
  it("returns the provider and the bare model name, and names the handle when unconfigured", () => {
    const { provider, model } = providerForHandle("ollama/llama3.1:8b", {});
    expect(provider.name).toBe("ollama");
    expect(model).toBe("llama3.1:8b");
    expect(() => providerForHandle("openai/gpt-4o", {})).toThrow(/openai\/gpt-4o: set OPENAI_API_KEY/);
  });
});
