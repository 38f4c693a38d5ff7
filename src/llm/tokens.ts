// Token counting. Exact (tiktoken's encodings, through gpt-tokenizer) for OpenAI models; for every other
// model (Anthropic, Ollama, …) a documented estimate: the cl100k_base count, flagged `exact: false`. The
// kernel counts the whole context every step, so counts are memoised per string and encodings load once
// per process, lazily. gpt-tokenizer over js-tiktoken: the same counts (tokens.test.ts), but o200k_base
// loads in 352 ms instead of 1,207 (every CLI send and the server's first step paid that) and encodes
// short messages about 6× faster (`npm run bench -- tokens`).
//
// Work per call is bounded. Long unbroken runs are cut (token-pieces.ts), so a count is linear in the text;
// texts over SYNC_COUNT_CHARS are counted on a worker thread (token-worker.ts), never on the main one:
// `count` answers them from a memo filled by `prepare`/`countAsync`, or with an upper bound (the UTF-8
// byte length: every token covers at least one byte) that it records in `unsettled` so that the caller
// can prepare them and count again. Callers that cache a count check `settled` first.
import { createRequire } from "node:module";
import { parseHandle } from "./handle.ts";
import { countPieces } from "./token-pieces.ts";
import { countOnWorker } from "./token-worker.ts";
import type { ChatMessage, ToolSpec } from "./types.ts";

export interface TokenCounter {
  /** Tokens of `text`: exact, or an upper bound for a long text not yet counted (see `settled`). */
  count(text: string): number;
  /** Whether `count(text)` is exact now: false only for a long text that no worker has counted yet. */
  settled(text: string): boolean;
  /** The long texts `count` answered with an upper bound, since this counter was made. */
  readonly unsettled: string[];
  /** Counts the long texts among `texts` off the main thread, so that `count` is exact for them. */
  prepare(texts: Iterable<string>): Promise<void>;
  /** The count of `text`, off the main thread when long. Past `limit` it may stop early: the result is
   * then more than `limit` but not the whole count. */
  countAsync(text: string, limit?: number): Promise<number>;
  /** The tiktoken encoding used: "o200k_base" or "cl100k_base". */
  readonly encoding: string;
  /** False when the count is an estimate (the model's real tokenizer is not available). */
  readonly exact: boolean;
}

/** The longest text counted on the calling thread: about 17 ms for a random 16,384-letter word, 2 ms of
 * prose (one core of the project machine); longer texts go to the token worker. */
export const SYNC_COUNT_CHARS = 16_384;

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

/** A bounded memo: the least recently used entry goes first (Map keeps insertion order; a hit
 * re-inserts). Bounded by entries and by the characters its keys hold: bounded by entries alone, 20,000
 * texts of up to SYNC_COUNT_CHARS each could hold hundreds of MB, and a server filled it for the whole
 * of a 30-minute soak (its texts were most of the heap's growth after warm-up: `npm run bench -- soak
 * --heap-snapshots`). */
class CountCache {
  private readonly map = new Map<string, number>();
  private chars = 0;
  constructor(
    private readonly limit: number,
    private readonly maxChars: number,
  ) {}
  get(key: string): number | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: number): void {
    if (this.map.has(key) || key.length > this.maxChars) return;
    while (this.map.size >= this.limit || this.chars + key.length > this.maxChars) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.chars -= oldest.length;
    }
    this.map.set(key, v);
    this.chars += key.length;
  }
}

/** Characters the short-text memo keeps (2 Mi: the windows of dozens of small agents, or a few 128K ones). */
const SHORT_CACHE_CHARS = 2 * 1024 * 1024;

/** Counts of long texts by text, bounded by their total length (the keys hold the strings). */
class LongCounts {
  private readonly map = new Map<string, number>();
  private chars = 0;
  constructor(private readonly maxChars: number) {}
  get(text: string): number | undefined {
    return this.map.get(text);
  }
  set(text: string, n: number): void {
    if (this.map.has(text) || text.length > this.maxChars) return;
    while (this.chars + text.length > this.maxChars) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.chars -= oldest.length;
    }
    this.map.set(text, n);
    this.chars += text.length;
  }
}

/** One encoding's counting, shared by every counter of the process (exact and estimated alike). */
interface EncodingCounts {
  /** Exact count of a text of at most SYNC_COUNT_CHARS, on this thread (memoised). */
  short(text: string): number;
  /** Exact count of a long text, on the token worker (memoised); stops early past `limit`. If the worker
   * fails, the upper bound stands in (lmos keeps working, on a pessimistic budget). */
  long(text: string, limit: number): Promise<number>;
  known: LongCounts;
}

const counts = new Map<EncodingName, EncodingCounts>();

/** At least the token count of any text: byte-level BPE never makes a token of less than one byte. */
function upperBound(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function countsOf(name: EncodingName): EncodingCounts {
  let c = counts.get(name);
  if (!c) {
    const cache = new CountCache(20_000, SHORT_CACHE_CHARS);
    const short = (text: string): number => {
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const enc = encoder(name);
      let n = 0;
      for (const piece of countPieces(text)) n += enc.countTokens(piece, PLAIN_TEXT);
      cache.set(text, n);
      return n;
    };
    const known = new LongCounts(32 * 1024 * 1024);
    // Several agents may ask for the same text at once (a block they share): one job serves them.
    const inFlight = new Map<string, Promise<number>>();
    const long = async (text: string, limit: number): Promise<number> => {
      const hit = known.get(text);
      if (hit !== undefined) return hit;
      let job = limit === Number.POSITIVE_INFINITY ? inFlight.get(text) : undefined;
      if (!job) {
        job = countOnWorker(name, text, limit).catch(() => -1);
        if (limit === Number.POSITIVE_INFINITY) {
          inFlight.set(text, job);
          void job.finally(() => inFlight.delete(text));
        }
      }
      const n = await job;
      if (n < 0) return upperBound(text); // not memoised: the next call tries the worker again
      if (n <= limit) known.set(text, n);
      return n;
    };
    c = { short, long, known };
    counts.set(name, c);
  }
  return c;
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
  const { short, long, known } = countsOf(name);
  const unsettled: string[] = [];
  return {
    encoding: name,
    exact,
    unsettled,
    count(text) {
      if (text.length === 0) return 0;
      if (text.length <= SYNC_COUNT_CHARS) return short(text);
      const n = known.get(text);
      if (n !== undefined) return n;
      unsettled.push(text);
      return upperBound(text);
    },
    settled: (text) => text.length <= SYNC_COUNT_CHARS || known.get(text) !== undefined,
    async prepare(texts) {
      const todo = new Set<string>();
      for (const t of texts) if (t.length > SYNC_COUNT_CHARS && known.get(t) === undefined) todo.add(t);
      await Promise.all([...todo].map((t) => long(t, Number.POSITIVE_INFINITY)));
    },
    async countAsync(text, limit = Number.POSITIVE_INFINITY) {
      if (text.length <= SYNC_COUNT_CHARS) return text.length === 0 ? 0 : short(text);
      return long(text, limit);
    },
  };
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
