// Token counting. Exact (tiktoken's encodings, through gpt-tokenizer) for OpenAI models; for every other
// model (Anthropic, Ollama, …) a documented estimate: the cl100k_base count, flagged `exact: false`. The
// kernel counts the whole context every step, so counts are memoised per string and encodings load once
// per process, lazily. gpt-tokenizer over js-tiktoken: the same counts (tokens.test.ts), but o200k_base
// loads in 352 ms instead of 1,207 (every CLI send and the server's first step paid that) and encodes
// short messages about 6× faster (`npm run bench -- tokens`).
import { createRequire } from "node:module";
import { parseHandle } from "./handle.ts";
import type { ChatMessage, ToolSpec } from "./types.ts";

export interface TokenCounter {
  count(text: string): number;
  /** The tiktoken encoding used: "o200k_base" or "cl100k_base". */
  readonly encoding: string;
  /** False when the count is an estimate (the model's real tokenizer is not available). */
  readonly exact: boolean;
}

type EncodingName = "o200k_base" | "cl100k_base";

interface Encoding {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}

const require = createRequire(import.meta.url);
const encoders = new Map<EncodingName, Encoding>();

function encoder(name: EncodingName): Encoding {
  let enc = encoders.get(name);
  if (!enc) {
    enc = require(`gpt-tokenizer/cjs/encoding/${name}`) as Encoding;
    encoders.set(name, enc);
  }
  return enc;
}

// No special tokens: text like "<|endoftext|>" in user content is counted as plain text.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** A bounded memo: the oldest entry goes first (Map keeps insertion order; a hit re-inserts). */
class CountCache {
  private readonly map = new Map<string, number>();
  constructor(private readonly limit: number) {}
  get(key: string): number | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: number): void {
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, v);
  }
}

// Very long strings are rare and cheap to recount relative to their size; don't let them pin memory.
const MAX_CACHED_LENGTH = 100_000;

const countFns = new Map<EncodingName, (text: string) => number>();

/** The memoised count function of an encoding, one per process (shared by exact and estimated counters). */
function countFn(name: EncodingName): (text: string) => number {
  let fn = countFns.get(name);
  if (!fn) {
    const cache = new CountCache(20_000);
    fn = (text: string): number => {
      if (text.length === 0) return 0;
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const n = encoder(name).countTokens(text, PLAIN_TEXT);
      if (text.length <= MAX_CACHED_LENGTH) cache.set(text, n);
      return n;
    };
    countFns.set(name, fn);
  }
  return fn;
}

/** Which encoding a model uses, and whether that is its real tokenizer. */
function encodingOf(provider: string, model: string): { name: EncodingName; exact: boolean } {
  const m = model.toLowerCase();
  const openai = provider === "openai" || provider === "azure";
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d|chatgpt-4o|gpt-oss)/.test(m))
    return { name: "o200k_base", exact: openai };
  if (/^(gpt-4|gpt-3\.5|text-embedding)/.test(m)) return { name: "cl100k_base", exact: openai };
  return { name: "cl100k_base", exact: false };
}

/** A token counter for a model handle (exact for OpenAI models, a cl100k estimate otherwise). */
export function createTokenCounter(handle: string): TokenCounter {
  const { provider, model } = parseHandle(handle);
  const { name, exact } = encodingOf(provider, model);
  return { count: countFn(name), encoding: name, exact };
}

/** Tokens a message adds to the prompt: role overhead, content and tool calls. */
export function countMessageTokens(counter: TokenCounter, message: ChatMessage): number {
  let n = 4; // role and framing tokens of the chat format
  if (message.content) n += counter.count(message.content);
  if (message.role === "assistant" && message.toolCalls) {
    for (const call of message.toolCalls) n += 4 + counter.count(call.name) + counter.count(call.arguments);
  }
  if (message.role === "tool") n += counter.count(message.name) + 2;
  return n;
}

const toolTokenCache = new WeakMap<ToolSpec, string>();

/** Tokens the tool definitions add to the prompt (their JSON, plus a small per-tool overhead). */
export function countToolTokens(counter: TokenCounter, specs: readonly ToolSpec[]): number {
  let n = 0;
  for (const spec of specs) {
    let json = toolTokenCache.get(spec);
    if (json === undefined) {
      json = JSON.stringify(spec);
      toolTokenCache.set(spec, json);
    }
    n += 8 + counter.count(json);
  }
  return n;
}
