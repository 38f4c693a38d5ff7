// Conformance of OpenFileStore (contract/open-files.ts): the files an agent has open, with their windows.
import { describe, expect, it } from "vitest";
import type { AgentStore, OpenFileStore, SourceStore } from "../types.ts";
import { agent, at, expectCode, file, type Part, source, useStore } from "./fixtures.testkit.ts";

/** Open files. */
export function openFileSuite(open: () => Promise<Part<AgentStore & SourceStore & OpenFileStore>>): void {
  const store = useStore(open);

  async function withAgent(): Promise<string> {
    const a = agent();
    await store().createAgent(a, [], []);
    return a.id;
  }

  describe("open files", () => {
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
