// Conformance of SourceStore (contract/sources.ts): sources, their files and passages, attachments.
import { describe, expect, it } from "vitest";
import type { AgentStore, PassageStore, SourceStore } from "../types.ts";
import { agent, at, expectCode, file, type Part, passage, source, useStore } from "./fixtures.testkit.ts";

/** Sources and files. */
export function sourceSuite(open: () => Promise<Part<AgentStore & PassageStore & SourceStore>>): void {
  const store = useStore(open);

  async function withAgent(): Promise<string> {
    const a = agent();
    await store().createAgent(a, [], []);
    return a.id;
  }

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
  });
}
