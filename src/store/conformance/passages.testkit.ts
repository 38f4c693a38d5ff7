// Conformance of PassageStore (contract/passages.ts): archival passages and document chunks, their
// filters, and lexical and vector search.
import { describe, expect, it } from "vitest";
import type { AgentStore, PassageStore, SourceStore } from "../types.ts";
import { agent, at, file, type Part, passage, source, useStore, vec, walk } from "./fixtures.testkit.ts";

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

    it("gives each passage's neighbours: archival by time within the agent and filter, chunks within their file", async () => {
      const id = await withAgent();
      const other = await withAgent();
      // Inserted out of time order, two of them in the same millisecond (insertion order breaks the tie).
      const p2 = passage("second", { agentId: id, createdAt: at(2000), tags: ["t"] });
      const p1 = passage("first", { agentId: id, createdAt: at(1000), tags: ["t"] });
      const p3 = passage("third", { agentId: id, createdAt: at(2000) });
      const p4 = passage("fourth", { agentId: id, createdAt: at(3000), tags: ["t"] });
      const foreign = passage("other agent", { agentId: other, createdAt: at(1500) });
      await store().insertPassages([p2, p1, p3, p4, foreign].map((p) => ({ passage: p })));
      expect(
        await store().passageNeighbours({ agentId: id }, [p2.id, p1.id, "passage-missing", p4.id]),
      ).toEqual([
        { id: p2.id, previous: p1.id, next: p3.id },
        { id: p1.id, previous: null, next: p2.id },
        { id: p4.id, previous: p3.id, next: null },
      ]);
      // Within a filter: p3 has no tag "t", so p2 and p4 are adjacent.
      expect(await store().passageNeighbours({ agentId: id, tags: ["t"] }, [p2.id])).toEqual([
        { id: p2.id, previous: p1.id, next: p4.id },
      ]);
      const s = source();
      await store().createSource(s);
      const f1 = file(s.id, { fileName: "a.txt" });
      const f2 = file(s.id, { fileName: "b.txt" });
      const chunks = ["c0", "c1", "c2"].map((t) => passage(t, { sourceId: s.id, fileId: f1.id }));
      await store().replaceFile(
        f1,
        chunks.map((p) => ({ passage: p })),
      );
      await store().replaceFile(f2, [{ passage: passage("d0", { sourceId: s.id, fileId: f2.id }) }]);
      expect(await store().passageNeighbours({ sourceIds: [s.id] }, [chunks[1].id, chunks[2].id])).toEqual([
        { id: chunks[1].id, previous: chunks[0].id, next: chunks[2].id },
        { id: chunks[2].id, previous: chunks[1].id, next: null },
      ]);
      expect(await store().passageNeighbours({}, [])).toEqual([]);
    });
  });
}
