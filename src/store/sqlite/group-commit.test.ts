// Group commit as a user of the store sees it: writes issued together all land, a bad one fails alone,
// writes apply in the order issued, and nothing queued is lost at close.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agent, block, expectCode, message, run, stepCommit } from "../conformance/fixtures.testkit.ts";
import { openSqliteStore } from "../index.ts";

const dir = mkdtempSync(join(tmpdir(), "lmos-group-"));
let n = 0;
const freshPath = () => join(dir, `g${n++}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("group commit", () => {
  it("commits the steps of many agents issued at once, and a failing one fails alone", async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    const agents = Array.from({ length: 12 }, () => agent());
    const runs = agents.map((a) => run(a.id));
    for (const [i, a] of agents.entries()) {
      await store.createAgent(a, [], []);
      await store.createRun(runs[i]);
    }
    const writes = agents.map((a, i) => {
      const m = message(a.id, `step of agent ${i}`);
      return store.commitStep(
        stepCommit(a.id, runs[i].id, {
          messages: [m],
          agentPatch: { inContextMessageIds: [m.id] },
          // agent 5 edits a block that does not exist: its whole step rolls back
          blockEdits: i === 5 ? [{ blockId: "block-missing", op: "append", text: "x" }] : [],
        }),
      );
    });
    const settled = await Promise.allSettled(writes);
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(11);
    await expectCode(writes[5] as Promise<unknown>, "not_found");
    await store.close();

    const reopened = await openSqliteStore(path);
    try {
      for (const [i, a] of agents.entries()) {
        const stored = await reopened.getAgent(a.id);
        const msgs = await reopened.listMessages(a.id, { limit: 10 });
        const steps = await reopened.listSteps(runs[i].id);
        if (i === 5) {
          expect([stored?.inContextMessageIds, msgs.length, steps.length]).toEqual([[], 0, 0]);
        } else {
          expect(stored?.inContextMessageIds).toHaveLength(1);
          expect(msgs.map((m) => m.content)).toEqual([[{ type: "text", text: `step of agent ${i}` }]]);
          expect(steps).toHaveLength(1);
        }
      }
    } finally {
      await reopened.close();
    }
  });

  it("applies a write issued after a queued one after it, and commits what is queued at close", async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    const a = agent();
    const b = block({ label: "human", value: "old" });
    await store.createBlock(b);
    await store.createAgent(a, [b.id], []);
    const m = message(a.id, "hello");
    const queued = store.commitMessages(a.id, [m], { inContextMessageIds: [m.id] });
    // issued later, without waiting: must not be overtaken by (or undo) the queued commit
    const edited = store.updateAgent(a.id, { description: "edited" });
    const late = message(a.id, "written just before close");
    const atClose = store.commitMessages(a.id, [late], { inContextMessageIds: [m.id, late.id] });
    await Promise.all([queued, edited]);
    await store.close();
    await atClose;

    const reopened = await openSqliteStore(path);
    try {
      const stored = await reopened.getAgent(a.id);
      expect(stored?.description).toBe("edited");
      expect(stored?.inContextMessageIds).toEqual([m.id, late.id]);
      expect(await reopened.countMessages(a.id)).toBe(2);
    } finally {
      await reopened.close();
    }
  });
});

describe("group commit when SQLite rolls back the whole transaction", () => {
  it("fails the whole batch and stores none of it (a write after the failing one is not committed alone)", async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    const agents = [agent(), agent(), agent()];
    const runs = agents.map((a) => run(a.id));
    for (const [i, a] of agents.entries()) {
      await store.createAgent(a, [], []);
      await store.createRun(runs[i]);
    }
    // A disk that fills up: SQLITE_FULL rolls back the whole transaction, not only the statement.
    const db = (store as unknown as { sql: { db: { pragma(s: string, o?: object): unknown } } }).sql.db;
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 40}`);
    const writes = agents.map((a, i) => {
      const m = message(a.id, i === 1 ? "x".repeat(2_000_000) : `small ${i}`);
      return store.commitStep(
        stepCommit(a.id, runs[i].id, { messages: [m], agentPatch: { inContextMessageIds: [m.id] } }),
      );
    });
    const settled = await Promise.allSettled(writes);
    const failed = settled.filter((s) => s.status === "rejected") as PromiseRejectedResult[];
    expect(failed.map((s) => (s.reason as { code?: string }).code)).toEqual(Array(3).fill("SQLITE_FULL"));
    await store.close();

    const reopened = await openSqliteStore(path);
    try {
      for (const a of agents) expect(await reopened.countMessages(a.id)).toBe(0);
    } finally {
      await reopened.close();
    }
  });
});
