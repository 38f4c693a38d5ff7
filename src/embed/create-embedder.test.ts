import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScriptedModel, scriptedEmbedding, startScriptedModel } from "../../test/scripted-model.ts";
import { createEmbedder } from "./create-embedder.ts";

describe("createEmbedder", () => {
  it("returns null for none, null and empty (lexical only)", () => {
    expect(createEmbedder(null, {})).toBeNull();
    expect(createEmbedder("", {})).toBeNull();
    expect(createEmbedder("none", {})).toBeNull();
  });

  it("rejects unknown providers and malformed handles", () => {
    expect(() => createEmbedder("acme/e1", {})).toThrow(
      expect.objectContaining({ code: "invalid_argument" }),
    );
    expect(() => createEmbedder("text-embedding-3-small", {})).toThrow(/provider\/model/);
  });

  it("says what to set when OpenAI is not configured", () => {
    expect(() => createEmbedder("openai/text-embedding-3-small", {})).toThrow(
      expect.objectContaining({ code: "no_provider", message: expect.stringMatching(/OPENAI_API_KEY/) }),
    );
  });
});

describe("OpenAI-compatible embedder over the scripted model", () => {
  let model: ScriptedModel;
  beforeAll(async () => {
    model = await startScriptedModel({ embeddingDim: 32 });
  });
  afterAll(async () => {
    await model.close();
  });

  it("embeds in order, in batches of at most 256", async () => {
    const embedder = createEmbedder("openai/text-embedding-3-small", { OPENAI_BASE_URL: model.url })!;
    expect(embedder.handle).toBe("openai/text-embedding-3-small");
    const texts = Array.from({ length: 600 }, (_, i) => `text number ${i}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(600);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
    expect(vectors[0]).toHaveLength(32);
    expect(vectors[599]).toEqual(scriptedEmbedding("text number 599", 32));
    expect(model.embeddingRequests.map((r) => r.input.length)).toEqual([256, 256, 88]);
    expect(model.embeddingRequests[0].model).toBe("text-embedding-3-small");
    expect(await embedder.embed([])).toEqual([]);
  });

  it("keeps texts that share words near each other", async () => {
    const embedder = createEmbedder("openai/e", { OPENAI_BASE_URL: model.url })!;
    const [a, b, c] = await embedder.embed(["the red fox", "a red fox jumps", "tax law"]);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it("reports an unreachable server as provider_error naming the handle", async () => {
    const embedder = createEmbedder("openai/e", {
      OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
      LMOS_MAX_RETRIES: "0",
    })!;
    await expect(embedder.embed(["x"])).rejects.toMatchObject({
      code: "provider_error",
      message: expect.stringContaining("openai/e"),
    });
  });
});
