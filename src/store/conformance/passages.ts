// Conformance: archival passages, sources, files and open files.
import { describe, expect, it } from "vitest";
import type { Store } from "../types.ts";
import { agent, at, expectCode, file, passage, source, useStore, vec, walk } from "./fixtures.ts";

/** Passages, sources, files. */
export function passageSuite(open: () => Promise<Store>): void {
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
      const ids = async (f: Parameters<Store["listPassages"]>[0]) =>
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

  describe("sources and files", () => {
    it("creates sources with unique names, updates, attaches and lists", async () => {
      const s = source({ name: "manuals" });
      await store().createSource(s);
      await expectCode(store().createSource(source({ name: "manuals" })), "conflict");
      expect(await store().getSourceByName("manuals")).toEqual(s);
      const u = await store().updateSource(s.id, { description: "how-tos" });
      expect(u.description).toBe("how-tos");
      await expectCode(store().updateSource("source-missing", { name: "x" }), "not_found");
      const other = source({ name: "other" });
      await store().createSource(other);
      await expectCode(store().updateSource(other.id, { name: "manuals" }), "conflict");
      const id = await withAgent();
      await store().attachSource(id, s.id);
      expect((await store().agentSources(id)).map((x) => x.id)).toEqual([s.id]);
      expect(await store().sourceAgents(s.id)).toEqual([id]);
      expect((await store().listSources({ name: "other" })).map((x) => x.id)).toEqual([other.id]);
      await store().detachSource(id, s.id);
      expect(await store().agentSources(id)).toEqual([]);
    });

    it("replaceFile replaces the file and all its passages, by id or by name", async () => {
      const s = source();
      await store().createSource(s);
      const f = file(s.id, { fileName: "a.md" });
      await store().replaceFile(f, [
        { passage: passage("old chunk one", { sourceId: s.id, fileId: f.id }) },
        { passage: passage("old chunk two", { sourceId: s.id, fileId: f.id }) },
      ]);
      expect(await store().countPassages({ fileId: f.id })).toBe(2);
      const v2 = file(s.id, { fileName: "a.md", contentHash: "h2", text: "new" });
      await store().replaceFile(v2, [{ passage: passage("new chunk", { sourceId: s.id, fileId: v2.id }) }]);
      const stored = await store().findFile(s.id, "a.md");
      expect(stored).toMatchObject({ id: f.id, contentHash: "h2", text: "new" });
      expect((await store().listPassages({ fileId: f.id }, {})).map((p) => p.text)).toEqual(["new chunk"]);
      expect(await store().searchPassagesLexical({ sourceIds: [s.id] }, { query: "old", limit: 5 })).toEqual(
        [],
      );
      expect(await store().listFiles(s.id, {})).toHaveLength(1);
      await expectCode(store().replaceFile(file("source-missing"), []), "not_found");
    });

    it("deleteFile and deleteSource remove files, passages and open-file state", async () => {
      const s = source();
      await store().createSource(s);
      const f1 = file(s.id, { fileName: "1.txt", createdAt: at(1) });
      const f2 = file(s.id, { fileName: "2.txt", createdAt: at(2) });
      await store().replaceFile(f1, [
        { passage: passage("first file text", { sourceId: s.id, fileId: f1.id }) },
      ]);
      await store().replaceFile(f2, [
        { passage: passage("second file text", { sourceId: s.id, fileId: f2.id }) },
      ]);
      expect((await store().listFiles(s.id, { order: "desc" })).map((f) => f.id)).toEqual([f2.id, f1.id]);
      await store().deleteFile(f1.id);
      expect(await store().getFile(f1.id)).toBeNull();
      expect(
        (await store().searchPassagesLexical({ sourceIds: [s.id] }, { query: "file", limit: 5 })).length,
      ).toBe(1);
      await store().deleteSource(s.id);
      expect(await store().getSource(s.id)).toBeNull();
      expect(await store().getFile(f2.id)).toBeNull();
      expect(await store().countPassages({ sourceIds: [s.id] })).toBe(0);
      expect(await store().searchPassagesLexical({}, { query: "file", limit: 5 })).toEqual([]);
    });

    it("tracks open files per agent, least recently opened first", async () => {
      const s = source();
      await store().createSource(s);
      const [f1, f2] = [file(s.id, { fileName: "x" }), file(s.id, { fileName: "y" })];
      await store().replaceFile(f1, []);
      await store().replaceFile(f2, []);
      const id = await withAgent();
      await store().openFile(id, f1.id, { offset: 1, length: 50 }, at(1));
      await store().openFile(id, f2.id, { offset: 1, length: 50 }, at(2));
      await store().openFile(id, f1.id, { offset: 40, length: 10 }, at(3));
      expect(await store().listOpenFiles(id)).toEqual([
        { agentId: id, fileId: f2.id, offset: 1, length: 50, openedAt: at(2) },
        { agentId: id, fileId: f1.id, offset: 40, length: 10, openedAt: at(3) },
      ]);
      expect(await store().closeFile(id, f2.id)).toBe(true);
      expect(await store().closeFile(id, f2.id)).toBe(false);
      await store().deleteFile(f1.id);
      expect(await store().listOpenFiles(id)).toEqual([]);
      await store().openFile(id, f2.id, { offset: 1, length: 5 }, at(4));
      expect(await store().closeAllFiles(id)).toBe(1);
      await expectCode(store().openFile(id, "file-missing", { offset: 1, length: 5 }, at(5)), "not_found");
    });
  });
}
