import { describe, expect, it } from "vitest";
import { DEFAULT_CONTEXT_WINDOW, modelInfo, parseHandle } from "./handle.ts";

describe("parseHandle", () => {
  it("splits provider and model, keeping later slashes in the model", () => {
    expect(parseHandle("openai/gpt-4o-mini")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(parseHandle("vllm/meta-llama/Llama-3.1-8B")).toEqual({
      provider: "vllm",
      model: "meta-llama/Llama-3.1-8B",
    });
  });

  it("rejects a handle without a provider, explaining the format", () => {
    for (const bad of ["gpt-4o-mini", "/gpt", "openai/", ""]) {
      expect(() => parseHandle(bad)).toThrow(expect.objectContaining({ code: "invalid_argument" }));
    }
    expect(() => parseHandle("gpt-4o")).toThrow(/provider\/model/);
  });
});

describe("modelInfo", () => {
  it("knows the context windows of common models", () => {
    const window = (h: string) => modelInfo(h, {}).contextWindow;
    expect(window("openai/gpt-4o-mini")).toBe(128_000);
    expect(window("openai/gpt-4.1-nano")).toBe(1_047_576);
    expect(window("openai/o4-mini")).toBe(200_000);
    expect(window("openai/o3")).toBe(200_000);
    expect(window("openai/gpt-5-mini")).toBe(400_000);
    expect(window("anthropic/claude-sonnet-4")).toBe(200_000);
    expect(window("ollama/llama3.1:8b")).toBe(131_072);
    expect(window("ollama/qwen2.5:7b")).toBe(32_768);
    expect(window("ollama/mistral")).toBe(32_768);
    expect(modelInfo("openai/gpt-4o", {}).known).toBe(true);
  });

  it("falls back to the documented default, which LMOS_CONTEXT_WINDOW overrides", () => {
    expect(modelInfo("vllm/my-finetune", {})).toMatchObject({
      contextWindow: DEFAULT_CONTEXT_WINDOW,
      known: false,
    });
    expect(DEFAULT_CONTEXT_WINDOW).toBe(32_768);
    expect(modelInfo("vllm/my-finetune", { LMOS_CONTEXT_WINDOW: "8192" }).contextWindow).toBe(8192);
    expect(() => modelInfo("vllm/x", { LMOS_CONTEXT_WINDOW: "lots" })).toThrow(/LMOS_CONTEXT_WINDOW/);
  });
});
