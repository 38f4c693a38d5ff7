import { describe, expect, it } from "vitest";
import type { MessageRecord } from "../store/types.ts";
import {
  assessPressure,
  heartbeatMessage,
  planEviction,
  pressureWarningMessage,
  summaryNoticeMessage,
} from "./index.ts";
import { messageRecord, toolExchange } from "./records.testkit.ts";

const settings = {
  heartbeats: true,
  replyMode: "send_message" as const,
  warnFraction: 0.75,
  evictFraction: 0.5,
  maxSteps: 50,
};

describe("assessPressure", () => {
  it("warns once past the warn fraction and evicts when the window (minus the reply reserve) is full", () => {
    expect(assessPressure(7000, 10_000, settings, false)).toBe("ok");
    expect(assessPressure(7600, 10_000, settings, false)).toBe("warn");
    expect(assessPressure(7600, 10_000, settings, true)).toBe("ok");
    expect(assessPressure(9000, 10_000, settings, true)).toBe("evict"); // reserve: 10% of the window
    expect(assessPressure(124_000, 128_000, settings, true)).toBe("evict"); // reserve capped at 4096
    expect(assessPressure(123_000, 128_000, settings, true)).toBe("ok");
  });
});

describe("system alert texts", () => {
  it("are Letta's JSON packages", () => {
    const now = "2026-03-01T14:05:09.000Z";
    const warn = JSON.parse(pressureWarningMessage(now));
    expect(warn).toMatchObject({ type: "system_alert", time: "2026-03-01 02:05:09 PM UTC+0000" });
    expect(warn.message).toContain("archival_memory_insert");
    const notice = JSON.parse(summaryNoticeMessage("Ada likes teal.", 40, 52, now));
    expect(notice.message).toContain("(40 of 52 total messages) have been hidden");
    expect(notice.message).toContain("Ada likes teal.");
    expect(JSON.parse(heartbeatMessage("requested", now)).reason).toContain("request_heartbeat=true");
    expect(JSON.parse(heartbeatMessage("failed", now)).reason).toContain("Function call failed");
  });
});

/** A random conversation: user turns, tool chains with heartbeats, replies. */
function randomConversation(seed: number): MessageRecord[] {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
  const out: MessageRecord[] = [];
  const turns = 1 + rnd(8);
  for (let t = 0; t < turns; t++) {
    out.push(messageRecord("user", `turn ${t}`));
    const chain = rnd(4);
    for (let c = 0; c < chain; c++) {
      if (rnd(3) === 0) {
        // parallel calls: one assistant message, several results
        const calls = [1, 2].map((k) => ({
          id: `p-${seed}-${t}-${c}-${k}`,
          name: "archival_memory_search",
          arguments: "{}",
        }));
        out.push(messageRecord("assistant", "", { toolCalls: calls }));
        for (const call of calls)
          out.push(messageRecord("tool", "ok", { toolCallId: call.id, name: call.name }));
      } else out.push(...toolExchange("conversation_search", { query: "x" }, "ok"));
      out.push(messageRecord("user", "{}", { kind: "heartbeat" }));
    }
    if (rnd(2)) out.push(messageRecord("assistant", "reply"));
  }
  return out;
}

describe("planEviction", () => {
  it("never splits a tool call from its results and keeps the last user turn (random conversations)", () => {
    let evictedSome = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const messages = randomConversation(seed);
      const fraction = [0.3, 0.5, 0.7, 0.9][seed % 4];
      const { evicted, kept } = planEviction(messages, fraction);
      expect([...evicted, ...kept].map((m) => m.id).sort()).toEqual(messages.map((m) => m.id).sort());
      if (evicted.length === 0) {
        expect(kept).toBe(messages);
        continue;
      }
      evictedSome++;
      expect(kept.length).toBeGreaterThan(0);
      expect(kept[0].role).not.toBe("tool");
      const keptCalls = new Set(kept.flatMap((m) => m.toolCalls.map((c) => c.id)));
      for (const m of kept) if (m.role === "tool") expect(keptCalls.has(m.toolCallId!)).toBe(true);
      // every kept call has all its results kept too
      const keptResults = new Set(kept.filter((m) => m.role === "tool").map((m) => m.toolCallId));
      for (const id of keptCalls) expect(keptResults.has(id)).toBe(true);
      const lastUser = [...messages].reverse().find((m) => m.role === "user" && m.kind === null);
      if (lastUser) expect(kept).toContain(lastUser);
      // kept stays in order
      const order = kept.map((m) => messages.indexOf(m));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    }
    expect(evictedSome).toBeGreaterThan(200);
  });

  it("evicts the oldest messages, moving the cut past a tool call's results", () => {
    const messages = [
      messageRecord("user", "a"),
      messageRecord("assistant", "b"),
      messageRecord("user", "c"),
      ...toolExchange("conversation_search", {}, "r"),
      messageRecord("assistant", "d"),
      messageRecord("user", "e"),
      messageRecord("assistant", "f"),
    ];
    const { evicted, kept } = planEviction(messages, 0.5);
    expect(evicted.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "tool"]);
    expect(kept.map((m) => m.role)).toEqual(["assistant", "user", "assistant"]);
  });

  it("evicts inside one long tool chain but keeps its user message", () => {
    const chain = [messageRecord("user", "research this")];
    for (let i = 0; i < 6; i++)
      chain.push(...toolExchange("archival_memory_search", { q: i }, `result ${i}`));
    const { evicted, kept } = planEviction(chain, 0.5);
    expect(kept[0]).toBe(chain[0]);
    expect(kept[1].role).toBe("assistant");
    expect(evicted.length).toBeGreaterThanOrEqual(4);
  });

  it("returns nothing to evict for a window too small to cut", () => {
    expect(planEviction([messageRecord("user", "hi")], 0.5).evicted).toEqual([]);
    expect(
      planEviction([messageRecord("user", "hi"), messageRecord("assistant", "yo")], 0.5).evicted,
    ).toEqual([]);
  });
});
