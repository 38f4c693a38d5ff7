// The LoCoMo bench's shared embedder: an OpenAI client gets the local model's vectors from it, as floats
// or base64, and a text is embedded once however many peers ask for it.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddingServer, startEmbeddingServer } from "../bench/locomo/embedding-server.ts";
import { createEmbedder } from "../src/embed/index.ts";

let server: EmbeddingServer;
beforeAll(async () => {
  server = await startEmbeddingServer();
});
afterAll(async () => {
  await server.close();
});

describe("bench embedding server", () => {
  it("answers OpenAI's embeddings API with the local model's vectors", async () => {
    const client = new OpenAI({ apiKey: "none", baseURL: server.baseUrl });
    const texts = ["the cat sat on the mat", "stock prices fell sharply"];
    const floats = await client.embeddings.create({
      model: server.model,
      input: texts,
      encoding_format: "float",
    });
    const b64 = await client.embeddings.create({ model: server.model, input: texts });
    const [direct] = await createEmbedder("local", {})!.embed([texts[1]]);
    expect(floats.data).toHaveLength(2);
    expect(floats.data[1].embedding).toHaveLength(server.dimensions);
    expect(b64.data[1].embedding).toEqual(floats.data[1].embedding);
    expect(Math.max(...floats.data[1].embedding.map((x, i) => Math.abs(x - direct[i])))).toBeLessThan(1e-5);
    expect(server.stats().embedded).toBe(2);
    await server.warm(texts);
    expect(server.stats().embedded).toBe(2);
  });

  it("rejects a request without input with 400", async () => {
    const r = await fetch(`${server.baseUrl}/embeddings`, { method: "POST", body: "{}" });
    expect(r.status).toBe(400);
  });
});
