// Conformance of PassageStore (contract/passages.ts): archival passages and document chunks, their
// filters, and lexical and vector search.
import { describe, expect, it } from "vitest";
import type { AgentStore, PassageStore, SourceStore } from "../types.ts";
import { agent, at, type Part, passage, source, useStore, vec, walk } from "./fixtures.testkit.ts";

/** Passages and their search. */
export function passageSuite(open: () => Promise<Part<AgentStore & PassageStore & SourceStore>>): void {
  const store = useStore(open);

  async function withAgent(): Promise<string> {
    const a = agent();
    await store().createAgent(a, [], []);
    return a.id;
  }

  describe("passages", () => {
    it("inserts, reads, counts, pages and deletes an agent's archival passages", async () => {
      const id = await withAgent();
      const ps = Array.from({ length: 9 }, (_, i) =>
        passage(`fact ${i}`, { agentId: id, createdAt: at(i), metadata: { i } }),
      );
      await store().insertPassages(ps.map((p) => ({ passage: p })));
      expect(await store().getPassages([ps[3].id, ps[1].id])).toEqual([ps[3], ps[1]]);
      expect(await store().countPassages({ agentId: id })).toBe(9);
      expect(await walk((after) => store().listPassages({ agentId: id }, { after, limit: 4 }))).toEqual(
        ps.map((p) => p.id),
      );
      expect(
        await walk((after) => store().listPassages({ agentId: id }, { after, limit: 2, order: "desc" })),
      ).toEqual(ps.map((p) => p.id).reverse());
      await store().deletePassages([ps[0].id, ps[1].id, "passage-missing"]);
      expect(await store().countPassages({ agentId: id })).toBe(7);
      expect(await store().searchPassagesLexical({ agentId: id }, { query: "fact", limit: 20 })).toHaveLength(
        7,
      );
    });

    it("filters by tags (any/all), dates, and lists an agent's tags", async () => {
      const id = await withAgent();
      const other = await withAgent();
      const ab = passage("alpha beta", { agentId: id, tags: ["a", "b"], createdAt: at(1000) });
      const a = passage("alpha", { agentId: id, tags: ["a"], createdAt: at(2000) });
      const c = passage("gamma", { agentId: id, tags: ["c"], createdAt: at(3000) });
      const elsewhere = passage("alpha elsewhere", { agentId: other, tags: ["z"] });
      await store().insertPassages([ab, a, c, elsewhere].map((p) => ({ passage: p })));
      const ids = async (f: Parameters<PassageStore["listPassages"]>[0]) =>
        (await store().listPassages({ agentId: id, ...f }, {})).map((p) => p.id);
      expect(await ids({ tags: ["a", "b"] })).toEqual([ab.id, a.id]);
      expect(await ids({ tags: ["a", "b"], tagMatch: "all" })).toEqual([ab.id]);
      expect(await ids({ tags: ["b", "c"], tagMatch: "any" })).toEqual([ab.id, c.id]);
      expect(await ids({ start: at(2000), end: at(3000) })).toEqual([a.id, c.id]);
      expect(await store().countPassages({ agentId: id, tags: ["a"] })).toBe(2);
      expect(await store().passageTags(id)).toEqual(["a", "b", "c"]);
      const lex = await store().searchPassagesLexical(
        { agentId: id, tags: ["a"], tagMatch: "all" },
        { query: "alpha!", limit: 10 },
      );
      expect(lex.map((h) => h.id).sort()).toEqual([ab.id, a.id].sort());
    });

    it("ranks passages by vector similarity within the filter", async () => {
      const id = await withAgent();
      const s = source();
      await store().createSource(s);
      const p1 = passage("one", { agentId: id, tags: ["t"] });
      const p2 = passage("two", { agentId: id });
      const p3 = passage("three", { agentId: id, tags: ["t"] });
      const doc = passage("doc", { sourceId: s.id });
      await store().insertPassages([
        { passage: p1, embedding: vec(3, 0) },
        { passage: p2, embedding: vec(3, 0, 1, 0.5) },
        { passage: p3, embedding: vec(3, 1) },
        { passage: doc, embedding: vec(3, 0) },
      ]);
      const ranked = await store().searchPassagesVector({ agentId: id }, vec(3, 0), 10);
      expect(ranked.map((r) => r.id)).toEqual([p1.id, p2.id, p3.id]);
      expect(ranked[0].score).toBeCloseTo(1, 5);
      const tagged = await store().searchPassagesVector({ agentId: id, tags: ["t"] }, vec(3, 1), 10);
      expect(tagged.map((r) => r.id)).toEqual([p3.id, p1.id]);
      expect(
        (await store().searchPassagesVector({ sourceIds: [s.id] }, vec(3, 0), 10)).map((r) => r.id),
      ).toEqual([doc.id]);
      expect(await store().searchPassagesVector({ sourceIds: [] }, vec(3, 0), 10)).toEqual([]);
    });
  });
}
