import { describe, expect, it } from "vitest";
import { countMessageTokens, countToolTokens, createTokenCounter, SYNC_COUNT_CHARS } from "./tokens.ts";

describe("createTokenCounter", () => {
  it("counts exactly with o200k_base for current OpenAI models and cl100k_base for older ones", () => {
    const modern = createTokenCounter("openai/gpt-4o-mini");
    expect(modern).toMatchObject({ encoding: "o200k_base", exact: true });
    expect(modern.count("hello world")).toBe(2);
    expect(createTokenCounter("openai/gpt-5").encoding).toBe("o200k_base");
    expect(createTokenCounter("openai/o3-mini").encoding).toBe("o200k_base");
    const old = createTokenCounter("openai/gpt-4");
    expect(old).toMatchObject({ encoding: "cl100k_base", exact: true });
    expect(old.count("hello world")).toBe(2);
  });

  it("gives the counts of OpenAI's tiktoken (reference values from js-tiktoken 1.0.21)", () => {
    const texts = [
      "The garden, the weather and a book I read about otters. ".repeat(20),
      "ünïcödé 🤖 日本語テキスト <|endoftext|>",
      '{"message":"Remember that my cat is called Turing."}',
    ];
    const o200k = createTokenCounter("openai/gpt-4o");
    const cl100k = createTokenCounter("openai/gpt-4");
    expect(texts.map((t) => o200k.count(t))).toEqual([281, 18, 13]);
    expect(texts.map((t) => cl100k.count(t))).toEqual([281, 22, 12]);
  });

  it("estimates with cl100k_base for other providers and says so", () => {
    expect(createTokenCounter("anthropic/claude-sonnet-4")).toMatchObject({
      encoding: "cl100k_base",
      exact: false,
    });
    expect(createTokenCounter("ollama/llama3.1")).toMatchObject({ exact: false });
  });

  it("counts special-token text as plain text and gives the same answer when memoised", () => {
    const c = createTokenCounter("openai/gpt-4o");
    const text = "user typed <|endoftext|> here";
    const first = c.count(text);
    expect(first).toBeGreaterThan(3);
    expect(c.count(text)).toBe(first);
    expect(c.count("")).toBe(0);
  });
});

describe("message and tool counts", () => {
  const c = createTokenCounter("openai/gpt-4o");

  it("adds per-message overhead and tool calls", () => {
    const plain = countMessageTokens(c, { role: "user", content: "hello world" });
    expect(plain).toBe(2 + 4);
    const withCall = countMessageTokens(c, {
      role: "assistant",
      content: null,
      toolCalls: [{ id: "1", name: "send_message", arguments: '{"message":"hello world"}' }],
    });
    expect(withCall).toBeGreaterThan(10);
  });

  it("counts tool specs by their JSON", () => {
    const spec = { name: "f", description: "does a thing", parameters: { type: "object" } };
    expect(countToolTokens(c, [spec])).toBeGreaterThan(countToolTokens(c, []));
    expect(countToolTokens(c, [spec, spec])).toBe(2 * countToolTokens(c, [spec]));
  });
});

describe("long texts", () => {
  const c = createTokenCounter("openai/gpt-4o-mini");
  // Random letters: the worst case of byte-pair merging (no merge memo helps).
  const word = (n: number, seed: number) => {
    let x = seed;
    let s = "";
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += String.fromCharCode(97 + (x % 26));
    }
    return s;
  };

  it("answers a long text not yet counted with an upper bound, and exactly once prepared", async () => {
    const text = `${word(SYNC_COUNT_CHARS, 1)} tail`;
    const fresh = createTokenCounter("openai/gpt-4o-mini");
    expect(fresh.settled(text)).toBe(false);
    const bound = fresh.count(text);
    expect(bound).toBe(Buffer.byteLength(text));
    expect(fresh.unsettled).toEqual([text]);
    await fresh.prepare(fresh.unsettled);
    expect(fresh.settled(text)).toBe(true);
    expect(fresh.count(text)).toBeLessThan(bound);
    expect(fresh.count(text)).toBe(await fresh.countAsync(text));
  });

  it("counts on the worker as the main thread would (texts joined after a newline add up exactly)", async () => {
    const a = `${word(9000, 2)} and prose after the word.\n`;
    const b = `${word(9000, 3)}${" ".repeat(700)}more text`;
    expect(a.length + b.length).toBeGreaterThan(SYNC_COUNT_CHARS);
    expect(await c.countAsync(a + b)).toBe(c.count(a) + c.count(b));
  });

  it("counts a 2 MB unbroken word (linear work, bounded by its byte length)", async () => {
    const n = await c.countAsync(word(2_000_000, 4));
    expect(n).toBeGreaterThan(500_000);
    expect(n).toBeLessThanOrEqual(2_000_000);
  });

  it("stops counting past a limit", async () => {
    const text = "hello world ".repeat(200_000);
    const n = await c.countAsync(text, 1000);
    expect(n).toBeGreaterThan(1000);
    expect(n).toBeLessThan(await c.countAsync(text));
  });
});
