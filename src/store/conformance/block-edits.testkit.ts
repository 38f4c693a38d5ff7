// Conformance: block edits apply to the value stored at commit (block-edits.ts), block labels stay unique
// per agent, and one block write stamps the agents whose memory changed.
import { describe, expect, it } from "vitest";
import { BlockEditError } from "../block-edits.ts";
import type { BlockEdit, Store } from "../types.ts";
import { agent, block, expectCode, message, run, stepCommit, useStore } from "./fixtures.testkit.ts";

/** Block edits at commit, label uniqueness, one-write block updates. */
export function blockEditSuite(open: () => Promise<Store>): void {
  const store = useStore(open);

  async function shared(value = "Team notes") {
    const b = block({ label: "notes", value, limit: 120 });
    await store().createBlock(b);
    const agents = [agent({ name: "a" }), agent({ name: "b" })];
    for (const a of agents) await store().createAgent(a, [b.id], []);
    const runs = agents.map((a) => run(a.id));
    for (const r of runs) await store().createRun(r);
    return { b, agents, runs };
  }

  async function commitEdits(agentId: string, runId: string, edits: BlockEdit[], text = "step") {
    const m = message(agentId, text, { runId });
    await store().commitStep(stepCommit(agentId, runId, { messages: [m], blockEdits: edits }));
    return m;
  }

  async function refusal(p: Promise<unknown>): Promise<BlockEditError> {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(BlockEditError);
    return e as BlockEditError;
  }

  describe("block edits at commit", () => {
    it("appends to what the block holds at commit, so concurrent appends all stay", async () => {
      const { b, agents, runs } = await shared();
      // Both steps were computed from "Team notes"; each append lands on the value the other left.
      await Promise.all([
        commitEdits(agents[0].id, runs[0].id, [{ blockId: b.id, op: "append", text: "from a" }]),
        commitEdits(agents[1].id, runs[1].id, [{ blockId: b.id, op: "append", text: "from b" }]),
      ]);
      const value = (await store().getBlock(b.id))?.value ?? "";
      expect(value.split("\n").sort()).toEqual(["Team notes", "from a", "from b"].sort());
      expect(value.startsWith("Team notes\n")).toBe(true);
      // and both agents see it on their next read
      for (const a of agents) expect((await store().agentBlocks(a.id))[0].value).toBe(value);
    });

    it("applies a step's edits in order, each on the result of the one before", async () => {
      const { b, agents, runs } = await shared("Name: Ada");
      await commitEdits(agents[0].id, runs[0].id, [
        { blockId: b.id, op: "append", text: "Likes teal" },
        { blockId: b.id, op: "replace", old: "teal", new: "navy" },
      ]);
      expect((await store().getBlock(b.id))?.value).toBe("Name: Ada\nLikes navy");
    });

    it("refuses a replace whose text is gone at commit, and stores nothing of that step", async () => {
      const { b, agents, runs } = await shared("Lives in Paris");
      await commitEdits(agents[1].id, runs[1].id, [
        { blockId: b.id, op: "replace", old: "Paris", new: "Lyon" },
      ]);
      const m = message(agents[0].id, "moved", { runId: runs[0].id });
      const e = await refusal(
        store().commitStep(
          stepCommit(agents[0].id, runs[0].id, {
            messages: [m],
            blockEdits: [
              { blockId: b.id, op: "append", text: "ok" },
              { blockId: b.id, op: "replace", old: "Paris", new: "Rome" },
            ],
            agentPatch: { inContextMessageIds: [m.id] },
          }),
        ),
      );
      expect(e).toMatchObject({ reason: "missing_text", editIndex: 1, blockId: b.id, code: "conflict" });
      expect(e.current).toBe("Lives in Lyon\nok");
      expect(e.message).toContain('"Paris" not found');
      expect((await store().getBlock(b.id))?.value).toBe("Lives in Lyon");
      expect(await store().getMessages([m.id])).toEqual([]);
      expect((await store().getAgent(agents[0].id))?.inContextMessageIds).toEqual([]);
    });

    it("refuses a rethink written from a value the block no longer holds; applies it otherwise", async () => {
      const { b, agents, runs } = await shared("v1");
      await commitEdits(agents[1].id, runs[1].id, [{ blockId: b.id, op: "append", text: "appended" }]);
      const e = await refusal(
        commitEdits(agents[0].id, runs[0].id, [{ blockId: b.id, op: "rethink", value: "v2", basis: "v1" }]),
      );
      expect(e).toMatchObject({ reason: "stale", editIndex: 0, current: "v1\nappended" });
      expect((await store().getBlock(b.id))?.value).toBe("v1\nappended");
      await commitEdits(agents[0].id, runs[0].id, [
        { blockId: b.id, op: "rethink", value: "merged", basis: "v1\nappended" },
      ]);
      expect((await store().getBlock(b.id))?.value).toBe("merged");
      // without a basis a rethink is a plain overwrite (the last one applied wins)
      await commitEdits(agents[1].id, runs[1].id, [{ blockId: b.id, op: "rethink", value: "final" }]);
      expect((await store().getBlock(b.id))?.value).toBe("final");
    });

    it("checks the character limit and read-only flag on the block at commit", async () => {
      const { b, agents, runs } = await shared("x".repeat(100));
      const e = await refusal(
        commitEdits(agents[0].id, runs[0].id, [{ blockId: b.id, op: "append", text: "y".repeat(30) }]),
      );
      expect(e).toMatchObject({ reason: "limit", code: "invalid_argument" });
      expect(e.message).toContain("would be 131 chars, limit is 120");
      await store().updateBlock(b.id, { readOnly: true });
      expect(
        await refusal(commitEdits(agents[0].id, runs[0].id, [{ blockId: b.id, op: "append", text: "z" }])),
      ).toMatchObject({ reason: "read_only" });
    });

    it("refuses an edit of a block deleted meanwhile with not_found", async () => {
      const { agents, runs } = await shared();
      await expectCode(
        commitEdits(agents[0].id, runs[0].id, [{ blockId: "block-gone", op: "append", text: "x" }]),
        "not_found",
      );
    });
  });

  describe("block edits outside a step", () => {
    it("editBlock applies to the stored value (beside a step's edits), stamps the agents, follows the rules", async () => {
      const { b, agents, runs } = await shared("Start");
      const at = "2025-07-01T00:00:00.000Z";
      await Promise.all([
        store().editBlock({ blockId: b.id, op: "append", text: "from mcp" }, at),
        commitEdits(agents[0].id, runs[0].id, [{ blockId: b.id, op: "append", text: "from a step" }]),
        store().editBlock({ blockId: b.id, op: "append", text: "from the api" }, at),
      ]);
      const value = (await store().getBlock(b.id))?.value ?? "";
      expect(value.split("\n").sort()).toEqual(["Start", "from a step", "from mcp", "from the api"].sort());
      expect((await store().getAgent(agents[1].id))?.memoryEditedAt).toBe(at);
      const e = await refusal(
        store().editBlock({ blockId: b.id, op: "replace", old: "absent", new: "x" }, at),
      );
      expect(e).toMatchObject({ reason: "missing_text" });
      await expectCode(
        store().editBlock({ blockId: "block-gone", op: "append", text: "x" }, at),
        "not_found",
      );
    });
  });

  describe("block labels and stamps", () => {
    it("refuses renaming a block onto a label another block of one of its agents has", async () => {
      const human = block({ label: "human" });
      const persona = block({ label: "persona" });
      const loose = block({ label: "loose" });
      for (const b of [human, persona, loose]) await store().createBlock(b);
      const a = agent();
      await store().createAgent(a, [human.id, persona.id], []);
      await expectCode(store().updateBlock(human.id, { label: "persona" }), "invalid_argument");
      expect((await store().agentBlocks(a.id)).map((b) => b.label)).toEqual(["human", "persona"]);
      // a block on no agent, or a label nobody else has, may be renamed
      expect((await store().updateBlock(loose.id, { label: "persona" })).label).toBe("persona");
      expect((await store().updateBlock(human.id, { label: "user" })).label).toBe("user");
      // attaching a block whose label the agent has is refused the same way
      await expectCode(store().attachBlock(a.id, loose.id), "invalid_argument");
      expect((await store().agentBlocks(a.id)).map((b) => b.label)).toEqual(["user", "persona"]);
      await store().attachBlock(a.id, persona.id); // re-attaching its own block stays a no-op
    });

    it("a value change stamps memoryEditedAt on every agent of the block, in the same write", async () => {
      const { b, agents } = await shared();
      await store().updateBlock(b.id, { value: "changed", updatedAt: "2025-06-01T00:00:00.000Z" });
      for (const a of agents) {
        expect((await store().getAgent(a.id))?.memoryEditedAt).toBe("2025-06-01T00:00:00.000Z");
      }
      await store().updateBlock(b.id, { description: "no value change" });
      for (const a of agents) {
        expect((await store().getAgent(a.id))?.memoryEditedAt).toBe("2025-06-01T00:00:00.000Z");
      }
    });
  });
}
