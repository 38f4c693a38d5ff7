import { describe, expect, it } from "vitest";
import { countMessageTokens, countToolTokens, createTokenCounter } from "../llm/index.ts";
import type { ToolSpec } from "../llm/types.ts";
import { compileContext, toChatMessages, WindowMemo } from "./index.ts";
import { agentRecord, blockRecord, messageRecord, toolExchange } from "./records.testkit.ts";

const tools: ToolSpec[] = [
  { name: "send_message", description: "Sends a message.", parameters: { type: "object", properties: {} } },
];
const counts = { recall: 4, archival: 0, archivalTags: [] };

function conversation() {
  return [
    messageRecord("user", "Hi, I'm Ada. My locker code is 4711."),
    messageRecord("assistant", "", {
      content: [
        { type: "reasoning", text: "secret thoughts" },
        { type: "text", text: "Noted." },
      ],
    }),
    ...toolExchange("archival_memory_insert", { content: "locker 4711" }, '{"status":"OK"}'),
    messageRecord("user", '{"type":"heartbeat","reason":"x"}', { kind: "heartbeat" }),
  ];
}

describe("toChatMessages", () => {
  it("maps roles, keeps tool calls with their results, drops reasoning and orphan results", () => {
    const msgs = conversation();
    const orphan = messageRecord("tool", "lost", { toolCallId: "call-gone", name: "x" });
    const chat = toChatMessages([orphan, ...msgs]);
    expect(chat.map((m) => m.role)).toEqual(["user", "assistant", "assistant", "tool", "user"]);
    expect(chat[1]).toEqual({ role: "assistant", content: "Noted." });
    expect(JSON.stringify(chat)).not.toContain("secret thoughts");
    expect(chat[2]).toMatchObject({
      role: "assistant",
      content: null,
      toolCalls: [{ name: "archival_memory_insert" }],
    });
    expect(chat[3]).toMatchObject({
      role: "tool",
      name: "archival_memory_insert",
      content: '{"status":"OK"}',
    });
    expect(chat[4].content).toContain("heartbeat");
  });
});

describe("compileContext", () => {
  const cases: Array<[string, string, string]> = [
    ["openai (o200k)", "openai/gpt-4o-mini", "You are a helpful agent."],
    ["estimate (cl100k)", "ollama/llama3.1", "You are a helpful agent."],
    ["placeholder mid-line", "openai/gpt-4o-mini", "Your memory: {CORE_MEMORY} -- use it well."],
  ];
  for (const [name, model, system] of cases) {
    it(`breakdown adds up and matches the token counter on the compiled messages: ${name}`, () => {
      const tokens = createTokenCounter(model);
      const agent = agentRecord({
        model,
        system,
        summary: "Ada shared a locker code.",
        memoryEditedAt: null,
      });
      const blocks = [
        blockRecord("persona", "I am Sam. Teal!"),
        blockRecord("human", "Name: Ada\n  (engineer) "),
      ];
      const out = compileContext({
        agent,
        blocks,
        messages: conversation(),
        tools,
        counts,
        now: "2026-03-01T14:05:09.000Z",
        contextWindow: 8000,
        tokens,
        extraSections: [{ name: "files", text: "<open_files>\nnotes.md: hello\n</open_files>" }],
      });
      const b = out.breakdown;
      expect(b.system + b.coreMemory + b.files + b.summary + b.messages + b.tools).toBe(b.total);
      const expected =
        out.messages.reduce((n, m) => n + countMessageTokens(tokens, m), 0) + countToolTokens(tokens, tools);
      expect(b.total).toBe(expected);
      expect(b.coreMemory).toBeGreaterThan(0);
      expect(b.files).toBeGreaterThan(0);
      expect(b.summary).toBeGreaterThan(0);
      expect(b.inContextMessages).toBe(5);
      expect(out.messages[0]).toEqual({ role: "system", content: out.systemPrompt });
      expect(out.messages[1].role).toBe("user");
      expect(out.messages[1].content).toContain("Ada shared a locker code.");
      expect(out.messages[1].content).toContain("4 of 9 total messages");
      expect(out.systemPrompt).toContain("- chars_current=15");
    });
  }

  it("counts the prompt exactly for many random memories (segment sums equal whole-prompt counts)", () => {
    const words = [
      "alpha",
      " ",
      "\n",
      "42",
      "<",
      ">",
      "é",
      "Ω",
      "  ",
      "!",
      "\t",
      "end.",
      "'s",
      "x\n\n",
      "🙂",
    ];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const text = () => Array.from({ length: rnd(30) }, () => words[rnd(words.length)]).join("");
    for (const model of ["openai/gpt-4o", "anthropic/claude-sonnet-4"]) {
      const tokens = createTokenCounter(model);
      for (let i = 0; i < 60; i++) {
        const out = compileContext({
          agent: agentRecord({ model, system: text() }),
          blocks: [blockRecord("persona", text()), blockRecord("human", text(), { description: text() })],
          messages: [],
          tools: [],
          counts,
          now: "2026-03-01T14:05:09.000Z",
          contextWindow: 8000,
          tokens,
          extraSections: [text()],
        });
        expect(out.breakdown.total).toBe(countMessageTokens(tokens, out.messages[0]));
      }
    }
  });

  it("has no summary notice without a summary", () => {
    const out = compileContext({
      agent: agentRecord(),
      blocks: [],
      messages: [messageRecord("user", "hello")],
      tools: [],
      counts,
      now: "2026-03-01T14:05:09.000Z",
      contextWindow: 8000,
      tokens: createTokenCounter("openai/gpt-4o-mini"),
    });
    expect(out.breakdown.summary).toBe(0);
    expect(out.messages.map((m) => m.role)).toEqual(["system", "user"]);
  });
});

describe("compileContext with a window memo", () => {
  it("compiles every window exactly as without the memo: appends, a changed tail, an eviction", () => {
    const tokens = createTokenCounter("openai/gpt-4o-mini");
    const base = { agent: agentRecord(), blocks: [], tools, counts, now: "2026-03-01T12:00:00Z", tokens };
    const memo = new WindowMemo();
    const check = (messages: ReturnType<typeof conversation>) => {
      const plain = compileContext({ ...base, messages, contextWindow: 8000 });
      const memoised = compileContext({ ...base, messages, contextWindow: 8000, memo });
      expect(memoised.messages).toEqual(plain.messages);
      expect(memoised.breakdown).toEqual(plain.breakdown);
    };
    const window = conversation();
    check(window);
    const exchange = toolExchange("core_memory_append", { content: "x" }, '{"status":"OK"}');
    check([...window, ...exchange]);
    // A different tail: the result whose call left the window is an orphan again.
    check([...window, exchange[1], messageRecord("user", "and now?")]);
    check([...window, ...exchange, messageRecord("user", "more")]);
    check(window.slice(3)); // an eviction that separates a result from its call
    check([...window.slice(3), ...exchange]);
  });
});

describe("compileContext with a long message", () => {
  it("counts it with an upper bound until it is prepared, then exactly, and the memo keeps no bound", async () => {
    // A new encoding state per text: the blob is unique to this test, so no earlier count is memoised.
    const blob = `pasted: ${"The garden, the weather and a book about otters. ".repeat(800)}${Math.random()}`;
    const messages = [messageRecord("user", "hello"), messageRecord("user", blob)];
    const memo = new WindowMemo();
    const tokens = createTokenCounter("openai/gpt-4o-mini");
    const base = { agent: agentRecord(), blocks: [], tools, counts, now: "2026-03-01T12:00:00Z" };
    const rough = compileContext({ ...base, messages, contextWindow: 8000, tokens, memo });
    expect(tokens.unsettled).toEqual([blob]);
    expect(rough.breakdown.messages).toBeGreaterThanOrEqual(Buffer.byteLength(blob));
    await tokens.prepare(tokens.unsettled);
    const exact = compileContext({ ...base, messages, contextWindow: 8000, tokens, memo });
    const plain = compileContext({ ...base, messages, contextWindow: 8000, tokens });
    expect(exact.breakdown).toEqual(plain.breakdown);
    expect(exact.breakdown.messages).toBeLessThan(rough.breakdown.messages / 2);
  });
});
