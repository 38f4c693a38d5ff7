// The in-context list written as row diffs must read back exactly, whatever the change: checked through
// a second connection, so the writer's cache cannot hide a wrong row.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agent } from "../conformance/fixtures.testkit.ts";
import { openSqliteStore } from "../index.ts";

const dir = mkdtempSync(join(tmpdir(), "lmos-context-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe("in-context id list", () => {
  it("reads back exactly after appends, evictions, summaries in front, rewrites and emptying", async () => {
    const path = join(dir, "ctx.db");
    const writer = await openSqliteStore(path);
    const reader = await openSqliteStore(path);
    try {
      const a = agent();
      await writer.createAgent(a, [], []);
      const random = rng(7);
      let n = 0;
      const fresh = (k: number) => Array.from({ length: k }, () => `message-${n++}`);
      let list: string[] = [];
      for (let step = 0; step < 150; step++) {
        const r = random();
        if (r < 0.5) list = [...list, ...fresh(1 + Math.floor(random() * 4))];
        else if (r < 0.7) list = list.slice(Math.floor(random() * list.length));
        else if (r < 0.85)
          list = [...fresh(1), ...list.slice(Math.floor(random() * list.length)), ...fresh(1)];
        else if (r < 0.9) list = [...list].reverse();
        else if (r < 0.95) list = list.slice(0, Math.floor(random() * list.length));
        else list = [];
        if (step % 2) await writer.commitMessages(a.id, [], { inContextMessageIds: list });
        else await writer.updateAgent(a.id, { inContextMessageIds: list });
        expect((await reader.getAgent(a.id))?.inContextMessageIds).toEqual(list);
        expect((await writer.getAgent(a.id))?.inContextMessageIds).toEqual(list);
      }
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
