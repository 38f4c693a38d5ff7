import { describe, expect, it } from "vitest";
import { createEmbedder } from "./create-embedder.ts";
import { LOCAL_EMBEDDING_DIMENSIONS, LOCAL_EMBEDDING_HANDLE } from "./local-embedder.ts";

const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i], 0);

describe("the built-in local embedder", () => {
  it("is what local and its full handle name, under the handle it was asked by", () => {
    expect(createEmbedder("local", {})?.handle).toBe("local");
    expect(createEmbedder(LOCAL_EMBEDDING_HANDLE, {})?.handle).toBe(LOCAL_EMBEDDING_HANDLE);
    expect(() => createEmbedder("local/bert", {})).toThrow(
      expect.objectContaining({
        code: "invalid_argument",
        message: expect.stringContaining(LOCAL_EMBEDDING_HANDLE),
      }),
    );
  });

  it("embeds offline into unit vectors, in order, the same text the same way", async () => {
    const embedder = createEmbedder("local", {})!;
    const texts = Array.from({ length: 40 }, (_, i) => `note number ${i} about the garden`);
    const vectors = await embedder.embed([...texts, texts[3]]);
    expect(vectors).toHaveLength(41);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
      expect(dot(v, v)).toBeCloseTo(1, 4);
    }
    expect(dot(vectors[3], vectors[40])).toBeCloseTo(1, 4);
    expect(await embedder.embed([])).toEqual([]);
  }, 60_000);

  it("puts texts of one meaning nearer than unrelated ones, with no word in common", async () => {
    const embedder = createEmbedder("local", {})!;
    const [puppy, dog, tax, car, automobile] = await embedder.embed([
      "I adopted a puppy last week",
      "We recently got a new dog",
      "The tax return is due in April",
      "My car broke down on the highway",
      "The automobile stopped working on the motorway",
    ]);
    expect(dot(puppy, dog)).toBeGreaterThan(dot(puppy, tax));
    expect(dot(car, automobile)).toBeGreaterThan(dot(car, dog));
    expect(dot(car, automobile)).toBeGreaterThan(dot(car, tax));
  }, 60_000);

  it("keeps the main thread free while it embeds", async () => {
    const embedder = createEmbedder("local", {})!;
    await embedder.embed(["warm up"]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await embedder.embed(Array.from({ length: 64 }, (_, i) => `a longer sentence to embed, number ${i}`));
    clearInterval(timer);
    // On the main thread the batch would block every timer until it ended.
    expect(ticks).toBeGreaterThan(5);
  }, 60_000);

  it("stops waiting when cancelled", async () => {
    const embedder = createEmbedder("local", {})!;
    const ac = new AbortController();
    const job = embedder.embed(["one", "two"], { signal: ac.signal });
    ac.abort();
    await expect(job).rejects.toMatchObject({ code: "cancelled" });
    await expect(embedder.embed(["x"], { signal: ac.signal })).rejects.toMatchObject({ code: "cancelled" });
  }, 60_000);
});
