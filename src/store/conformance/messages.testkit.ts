// Conformance of MessageStore (contract/messages.ts): recall messages — ordering, exact cursor paging,
// filters, BM25 and vector search (message embeddings arrive with a step commit, RunStore).
import { describe, expect, it } from "vitest";
import type { AgentStore, MessageRecord, MessageStore, RunStore } from "../types.ts";
import { agent, at, message, type Part, stepCommit, useStore, vec, walk } from "./fixtures.testkit.ts";

/** Messages and their search. */
export function messageSuite(open: () => Promise<Part<AgentStore & MessageStore & RunStore>>): void {
  const store = useStore(open);

  async function withAgent(): Promise<string> {
    const a = agent();
    await store().createAgent(a, [], []);
    return a.id;
  }

  describe("messages", () => {
    it("orders by time, then by insertion within the same millisecond, and assigns increasing seqs", async () => {
      const id = await withAgent();
      const late = message(id, "late", { createdAt: at(10) });
      const tie1 = message(id, "tie1", { createdAt: at(5) });
      const tie2 = message(id, "tie2", { createdAt: at(5) });
      await store().commitMessages(id, [late, tie1, tie2], {});
      expect(late.seq).toBeGreaterThan(0);
      expect(tie2.seq).toBeGreaterThan(tie1.seq);
      const listed = await store().listMessages(id, {});
      expect(listed.map((m) => m.content)).toEqual([tie1, tie2, late].map((m) => m.content));
      expect(await store().getMessages([late.id, "message-missing", tie1.id])).toEqual([late, tie1]);
      expect(await store().countMessages(id)).toBe(3);
    });

    it("round-trips every field, including tool calls with invalid JSON arguments", async () => {
      const id = await withAgent();
      const m = message(id, "", {
        role: "assistant",
        content: [
          { type: "reasoning", text: "thinking" },
          { type: "text", text: "hi" },
        ],
        toolCalls: [{ id: "call_1", name: "send_message", arguments: '{"message": "hi' }],
        name: "sam",
        kind: "heartbeat",
        runId: "run-1",
        stepId: "step-1",
        createdAt: at(7),
      });
      await store().commitMessages(id, [m], { inContextMessageIds: [m.id] });
      expect((await store().getMessages([m.id]))[0]).toEqual(m);
      expect((await store().getAgent(id))?.inContextMessageIds).toEqual([m.id]);
    });

    it("pages exactly: walking with after until empty yields each message once, in both orders", async () => {
      const id = await withAgent();
      const ms = Array.from({ length: 25 }, (_, i) =>
        message(id, `m${i}`, { createdAt: at(Math.floor(i / 4)) }),
      );
      await store().commitMessages(id, ms, {});
      const order = ms.map((m) => m.id);
      for (const limit of [1, 4, 7, 25, 100]) {
        expect(await walk((after) => store().listMessages(id, { after, limit }))).toEqual(order);
        expect(await walk((after) => store().listMessages(id, { after, limit, order: "desc" }))).toEqual(
          [...order].reverse(),
        );
      }
      const window = await store().listMessages(id, { after: order[2], before: order[6] });
      expect(window.map((m) => m.id)).toEqual(order.slice(3, 6));
      const newest = await store().listMessages(id, { order: "desc", limit: 2 });
      expect(newest.map((m) => m.id)).toEqual([order[24], order[23]]);
      expect(await store().listMessages(id, { after: "message-missing" })).toEqual([]);
    });

    it("filters by roles and inclusive date bounds, and keeps agents apart", async () => {
      const id = await withAgent();
      const other = await withAgent();
      const ms: MessageRecord[] = [
        message(id, "a", { role: "user", createdAt: at(1000) }),
        message(id, "b", { role: "assistant", createdAt: at(2000) }),
        message(id, "c", { role: "tool", createdAt: at(3000) }),
      ];
      await store().commitMessages(id, ms, {});
      await store().commitMessages(other, [message(other, "x")], {});
      const texts = async (q: Parameters<MessageStore["listMessages"]>[1]) =>
        (await store().listMessages(id, q)).map((m) => (m.content[0] as { text: string }).text);
      expect(await texts({ roles: ["user", "tool"] })).toEqual(["a", "c"]);
      expect(await texts({ start: at(2000) })).toEqual(["b", "c"]);
      expect(await texts({ end: at(2000) })).toEqual(["a", "b"]);
      expect(await texts({ start: at(2000), end: at(2000) })).toEqual(["b"]);
      expect(await texts({ end: "2025-01-01" })).toEqual(["a", "b", "c"]);
      expect(await store().countMessages(other)).toBe(1);
    });
  });

  describe("message search", () => {
    it("finds a word stated once among 1,000 messages, best first", async () => {
      const id = await withAgent();
      const ms = Array.from({ length: 1000 }, (_, i) =>
        message(id, `Day ${i}: we talked about the garden, the weather and a book.`, { createdAt: at(i) }),
      );
      ms[417] = message(id, "My sister moved to Zanzibar last spring.", { createdAt: at(417) });
      await store().commitMessages(id, ms, {});
      const hits = await store().searchMessagesLexical(id, {
        query: "Where did my sister move to?",
        limit: 5,
      });
      expect(hits[0].id).toBe(ms[417].id);
      expect(hits[0].score).toBeGreaterThan(0);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
      const exact = await store().searchMessagesLexical(id, { query: "zanzibar", limit: 10 });
      expect(exact.map((h) => h.id)).toEqual([ms[417].id]);
      expect(await store().searchMessagesLexical(id, { query: "garden", limit: 3, offset: 2 })).toHaveLength(
        3,
      );
    });

    it("stores a 2 MB message of words whole and finds it by a word near its start", async () => {
      const id = await withAgent();
      let x = 11;
      const words = Array.from({ length: 330_000 }, () => {
        let w = "";
        for (let i = 0; i < 5; i++) {
          x = (x * 1103515245 + 12345) & 0x7fffffff;
          w += String.fromCharCode(97 + (x % 26));
        }
        return w;
      });
      const big = message(id, `Zanzibar ${words.join(" ")}`, { createdAt: at(1) });
      await store().commitMessages(id, [big, message(id, "the garden", { createdAt: at(2) })], {});
      expect((await store().getMessages([big.id]))[0].content).toEqual(big.content);
      const hits = await store().searchMessagesLexical(id, { query: "zanzibar", limit: 5 });
      expect(hits.map((h) => h.id)).toEqual([big.id]);
    });

    it("survives punctuation and FTS syntax in queries, and returns nothing for empty ones", async () => {
      const id = await withAgent();
      await store().commitMessages(id, [message(id, "Alice's favourite colour is blue (not green).")], {});
      for (const q of [
        '"blue',
        "blue AND (",
        "NOT blue",
        "colour:blue*",
        "^blue-",
        "blue OR",
        "{}[]()",
        '"" ""',
      ]) {
        const hits = await store().searchMessagesLexical(id, { query: q, limit: 5 });
        expect(Array.isArray(hits)).toBe(true);
      }
      expect(
        await store().searchMessagesLexical(id, { query: "what's Alice's colour?!", limit: 5 }),
      ).toHaveLength(1);
      expect(await store().searchMessagesLexical(id, { query: "", limit: 5 })).toEqual([]);
      expect(await store().searchMessagesLexical(id, { query: "?!.,;", limit: 5 })).toEqual([]);
    });

    it("stems, searches tool-call arguments, honours roles/dates and stays within the agent", async () => {
      const id = await withAgent();
      const other = await withAgent();
      const reply = message(id, "", {
        role: "assistant",
        createdAt: at(50),
        toolCalls: [
          { id: "c1", name: "send_message", arguments: '{"message":"I went running by the lake"}' },
        ],
      });
      const user = message(id, "I run every morning", { createdAt: at(10) });
      await store().commitMessages(id, [user, reply], {});
      await store().commitMessages(other, [message(other, "running running running")], {});
      const ids = async (q: Parameters<MessageStore["searchMessagesLexical"]>[1]) =>
        (await store().searchMessagesLexical(id, q)).map((h) => h.id).sort();
      expect(await ids({ query: "runs", limit: 10 })).toEqual([user.id, reply.id].sort());
      expect(await ids({ query: "lake", limit: 10 })).toEqual([reply.id]);
      expect(await ids({ query: "run", limit: 10, roles: ["user"] })).toEqual([user.id]);
      expect(await ids({ query: "run", limit: 10, start: at(20) })).toEqual([reply.id]);
    });

    it("ranks by cosine similarity and ignores messages without or with other-sized embeddings", async () => {
      const id = await withAgent();
      const [near, mid, far, none, small] = ["near", "mid", "far", "none", "small"].map((t) =>
        message(id, t),
      );
      await store().commitMessages(id, [none], {});
      const run = "run-v";
      await store().commitStep(
        stepCommit(id, run, {
          messages: [near, mid, far, small],
          messageEmbeddings: {
            [near.id]: vec(4, 0, 1, 0.1),
            [mid.id]: vec(4, 0, 1, 1),
            [far.id]: vec(4, 2),
            [small.id]: vec(2, 0),
          },
        }),
      );
      const hits = await store().searchMessagesVector(id, vec(4, 0), { limit: 10 });
      expect(hits.map((h) => h.id)).toEqual([near.id, mid.id, far.id]);
      expect(hits[0].score).toBeGreaterThan(0.99);
      expect(hits[2].score).toBeCloseTo(0, 5);
      expect(await store().searchMessagesVector(id, vec(4, 0), { limit: 1 })).toHaveLength(1);
      expect(await store().searchMessagesVector(id, vec(4, 0), { limit: 5, roles: ["tool"] })).toEqual([]);
    });

    it("gives each message's neighbouring conversation turns, skipping kernel messages and other roles", async () => {
      const id = await withAgent();
      const other = await withAgent();
      const m1 = message(id, "one", { createdAt: at(1) });
      const alert = message(id, "alert", { createdAt: at(2), kind: "system_alert" });
      const m2 = message(id, "two", { createdAt: at(3), role: "assistant" });
      const toolMsg = message(id, "tool out", { createdAt: at(4), role: "tool", name: "t", toolCallId: "c" });
      const m3 = message(id, "three", { createdAt: at(5) });
      await store().commitMessages(id, [m1, alert, m2, toolMsg, m3], {});
      await store().commitMessages(other, [message(other, "elsewhere", { createdAt: at(2) })], {});
      expect(await store().messageNeighbours(id, [m2.id, m1.id, "message-missing", m3.id])).toEqual([
        { id: m2.id, previous: m1.id, next: m3.id },
        { id: m1.id, previous: null, next: m2.id },
        { id: m3.id, previous: m2.id, next: null },
      ]);
      expect(await store().messageNeighbours(id, [m3.id], { roles: ["user"] })).toEqual([
        { id: m3.id, previous: m1.id, next: null },
      ]);
      expect(await store().messageNeighbours(id, [m2.id], { start: at(2) })).toEqual([
        { id: m2.id, previous: null, next: m3.id },
      ]);
      expect(await store().messageNeighbours(other, [m2.id])).toEqual([]);
    });
  });
}
