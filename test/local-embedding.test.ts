// LMOS_EMBEDDING=local end to end: an agent gets the built-in offline embedder, and archival search over
// HTTP finds a passage by meaning when it shares no word with the query.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
beforeAll(async () => {
  fx = await openServerFixture({ env: { LMOS_EMBEDDING: "local" } });
});
afterAll(async () => {
  await fx.close();
});

async function ok(res: Promise<Response>): Promise<any> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBeLessThan(300);
  return text ? JSON.parse(text) : null;
}

describe("LMOS_EMBEDDING=local", () => {
  it("gives new agents the local embedder and lists it", async () => {
    const a = await ok(fx.call("POST", "/v1/agents/", { name: "offline" }));
    expect(a.embedding_config).toMatchObject({
      handle: "local/universal-sentence-encoder-lite",
      embedding_dim: 512,
    });
    const models = await ok(fx.call("GET", "/v1/models/embedding"));
    expect(models.map((m: { handle: string }) => m.handle)).toContain(
      "local/universal-sentence-encoder-lite",
    );
  });

  it("finds archival passages by meaning through the REST API", async () => {
    const a = await ok(fx.call("POST", "/v1/agents/", { name: "librarian" }));
    const path = `/v1/agents/${a.id}/archival-memory`;
    const texts = [
      "The quarterly tax filing is due at the end of April.",
      "We adopted a puppy from the shelter last weekend.",
      "I repaired the chain of my bicycle yesterday.",
      "Grandma's lasagne recipe needs three kinds of cheese.",
    ];
    for (const text of texts) await ok(fx.call("POST", path, { text }));
    const byMeaning = async (query: string) =>
      (await ok(fx.call("GET", `${path}/search?query=${encodeURIComponent(query)}&top_k=2`))).results.map(
        (r: { content: string }) => r.content,
      );
    expect((await byMeaning("dog"))[0]).toBe(texts[1]);
    expect((await byMeaning("cooking pasta"))[0]).toBe(texts[3]);
    expect((await byMeaning("cycling maintenance"))[0]).toBe(texts[2]);
  }, 60_000);
});
