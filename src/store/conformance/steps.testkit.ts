// Conformance of RunStore (contract/runs.ts), part two, and of the whole Store: runs, the one-transaction
// step commit (it writes messages, blocks, passages and the agent together), deleteAgent's cascade across
// every part, reopening.
import { describe, expect, it } from "vitest";
import type { Store } from "../types.ts";
import {
  agent,
  at,
  block,
  expectCode,
  message,
  passage,
  run,
  source,
  stepCommit,
  tool,
  useStore,
  vec,
} from "./fixtures.testkit.ts";

/** Runs, steps and atomic commits, and what deleting an agent removes (needs every part). */
export function stepSuite(open: () => Promise<Store>): void {
  const store = useStore(open);

  async function setup() {
    const b = block({ value: "old" });
    await store().createBlock(b);
    const a = agent();
    await store().createAgent(a, [b.id], []);
    const r = run(a.id);
    await store().createRun(r);
    const doomed = passage("to be forgotten", { agentId: a.id });
    await store().insertPassages([{ passage: doomed }]);
    return { a, b, r, doomed };
  }

  describe("runs and steps", () => {
    it("creates, updates and reads runs; not_found for unknown ones", async () => {
      const { r } = await setup();
      expect(await store().getRun(r.id)).toEqual(r);
      await store().updateRun(r.id, { status: "completed", stopReason: "end_turn", completedAt: at(9) });
      expect(await store().getRun(r.id)).toMatchObject({ status: "completed", stopReason: "end_turn" });
      await expectCode(store().updateRun("run-missing", { status: "failed" }), "not_found");
      expect(await store().getRun("run-missing")).toBeNull();
    });

    it("commitStep applies messages, block edits, passages, the agent patch and the step together", async () => {
      const { a, b, r, doomed } = await setup();
      const m = message(a.id, "remember the violet umbrella", { runId: r.id });
      const kept = passage("the umbrella is violet", { agentId: a.id, tags: ["colour"] });
      const c1 = stepCommit(a.id, r.id, {
        messages: [m],
        messageEmbeddings: { [m.id]: vec(3, 0) },
        blockEdits: [{ blockId: b.id, op: "rethink", value: "new" }],
        passageInserts: [{ passage: kept, embedding: vec(3, 1) }],
        passageDeletes: [doomed.id],
        agentPatch: { inContextMessageIds: [m.id], summary: "s", pressureWarned: true, lastStopReason: "x" },
      });
      await store().commitStep(c1);
      const c2 = stepCommit(a.id, r.id, { step: { ...c1.step, id: "step-2", index: 1 } });
      await store().commitStep(c2);
      expect((await store().listSteps(r.id)).map((s) => [s.id, s.index])).toEqual([
        [c1.step.id, 0],
        ["step-2", 1],
      ]);
      expect((await store().listSteps(r.id))[0]).toEqual(c1.step);
      expect((await store().getBlock(b.id))?.value).toBe("new");
      expect(await store().getPassages([doomed.id, kept.id])).toEqual([kept]);
      expect(await store().getAgent(a.id)).toMatchObject({
        inContextMessageIds: [m.id],
        summary: "s",
        pressureWarned: true,
        lastStopReason: "x",
      });
      expect((await store().searchMessagesLexical(a.id, { query: "umbrella", limit: 5 }))[0].id).toBe(m.id);
      expect((await store().searchMessagesVector(a.id, vec(3, 0), { limit: 5 }))[0].id).toBe(m.id);
      expect((await store().searchPassagesVector({ agentId: a.id }, vec(3, 1), 5))[0].id).toBe(kept.id);
    });

    it("a commit that fails half-way (duplicate message id) leaves no trace", async () => {
      const { a, b, r, doomed } = await setup();
      const first = message(a.id, "first");
      await store().commitMessages(a.id, [first], { inContextMessageIds: [first.id] });
      const before = await store().getAgent(a.id);
      const fresh = message(a.id, "a perfectly unique marmalade");
      const bad = stepCommit(a.id, r.id, {
        messages: [fresh, { ...first }],
        blockEdits: [{ blockId: b.id, op: "append", text: "changed" }],
        passageInserts: [{ passage: passage("ghost passage", { agentId: a.id }) }],
        passageDeletes: [doomed.id],
        agentPatch: { inContextMessageIds: [first.id, fresh.id], summary: "changed" },
      });
      await expect(store().commitStep(bad)).rejects.toThrow();
      expect(await store().listSteps(r.id)).toEqual([]);
      expect(await store().countMessages(a.id)).toBe(1);
      expect(await store().getMessages([fresh.id])).toEqual([]);
      expect(await store().searchMessagesLexical(a.id, { query: "marmalade", limit: 5 })).toEqual([]);
      expect((await store().getBlock(b.id))?.value).toBe("old");
      expect(await store().getPassages([doomed.id])).toHaveLength(1);
      expect(await store().searchPassagesLexical({ agentId: a.id }, { query: "ghost", limit: 5 })).toEqual(
        [],
      );
      expect(await store().getAgent(a.id)).toEqual(before);
    });

    it("a commit naming an unknown block or agent fails whole", async () => {
      const { a, r } = await setup();
      const m = message(a.id, "lost");
      await expectCode(
        store().commitStep(
          stepCommit(a.id, r.id, {
            messages: [m],
            blockEdits: [{ blockId: "block-x", op: "append", text: "v" }],
          }),
        ),
        "not_found",
      );
      expect(await store().countMessages(a.id)).toBe(0);
      await expect(
        store().commitMessages("agent-missing", [message("agent-missing", "x")], {}),
      ).rejects.toThrow();
      await expect(store().commitMessages(a.id, [m, { ...m }], {})).rejects.toThrow();
      expect(await store().countMessages(a.id)).toBe(0);
    });

    it("starts a run together with its input: both or neither", async () => {
      const { a } = await setup();
      const started = run(a.id);
      const input = message(a.id, "hello", { runId: started.id });
      await store().commitMessages(a.id, [input], { inContextMessageIds: [input.id] }, started);
      expect(await store().getRun(started.id)).toEqual(started);
      expect((await store().getAgent(a.id))?.inContextMessageIds).toEqual([input.id]);
      const failed = run(a.id);
      const dup = message(a.id, "twice", { runId: failed.id });
      await expect(store().commitMessages(a.id, [dup, { ...dup }], {}, failed)).rejects.toThrow();
      expect(await store().getRun(failed.id)).toBeNull();
      expect(await store().countMessages(a.id)).toBe(1);
    });
  });

  describe("deleteAgent", () => {
    it("removes the agent's messages, archival passages, runs, steps and memory nodes; keeps shared things", async () => {
      const { a, b, r } = await setup();
      const t = await store().upsertTool(tool({ name: "keepme" }));
      await store().attachTool(a.id, t.id);
      const s = source();
      await store().createSource(s);
      await store().attachSource(a.id, s.id);
      const doc = passage("document chunk about otters", { sourceId: s.id });
      await store().insertPassages([{ passage: doc }]);
      const m = message(a.id, "otters are great");
      await store().commitStep(
        stepCommit(a.id, r.id, { messages: [m], messageEmbeddings: { [m.id]: vec(2, 0) } }),
      );
      await store().putMemoryNodes(a.id, "l1", [{ id: "n1", data: new Uint8Array([1]) }]);
      await store().deleteAgent(a.id);
      expect(await store().getAgent(a.id)).toBeNull();
      expect(await store().getMessages([m.id])).toEqual([]);
      expect(await store().countMessages(a.id)).toBe(0);
      expect(await store().countPassages({ agentId: a.id })).toBe(0);
      expect(await store().getRun(r.id)).toBeNull();
      expect(await store().listSteps(r.id)).toEqual([]);
      expect(await store().getMemoryNodes(a.id, "l1")).toEqual([]);
      expect(await store().getBlock(b.id)).not.toBeNull();
      expect(await store().getTool(t.id)).not.toBeNull();
      expect(await store().getSource(s.id)).not.toBeNull();
      expect(await store().sourceAgents(s.id)).toEqual([]);
      expect(await store().blockAgents(b.id)).toEqual([]);
      expect(
        (await store().searchPassagesLexical({}, { query: "otters", limit: 5 })).map((h) => h.id),
      ).toEqual([doc.id]);
    });
  });
}

/** Reopening a persistent store keeps everything (and opening twice is harmless). */
export function reopenSuite(openPersistent: () => { open: () => Promise<Store> }): void {
  describe("reopen", () => {
    it("keeps agents, messages, search indexes and passages across close and reopen", async () => {
      const db = openPersistent();
      const first = await db.open();
      const a = agent();
      await first.createAgent(a, [], []);
      const m = message(a.id, "the lighthouse keeper's name is Orla");
      await first.commitMessages(a.id, [m], { inContextMessageIds: [m.id] });
      await first.insertPassages([
        { passage: passage("archived lighthouse fact", { agentId: a.id }), embedding: vec(2, 1) },
      ]);
      await first.close();
      for (let i = 0; i < 2; i++) {
        const again = await db.open();
        expect((await again.getAgent(a.id))?.inContextMessageIds).toEqual([m.id]);
        expect((await again.getMessages([m.id]))[0].seq).toBe(m.seq);
        expect(await again.searchMessagesLexical(a.id, { query: "lighthouse", limit: 3 })).toHaveLength(1);
        expect(await again.searchPassagesVector({ agentId: a.id }, vec(2, 1), 3)).toHaveLength(1);
        const more = message(a.id, `later ${i}`);
        await again.commitMessages(a.id, [more], {});
        expect(more.seq).toBeGreaterThan(m.seq);
        await again.close();
      }
    });
  });
}
