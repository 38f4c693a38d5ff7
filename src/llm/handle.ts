// Model handles ("provider/model") and what we know about each model's context window.
import type { Env } from "../env.ts";
import { LmosError } from "../errors.ts";
import type { ModelInfo } from "./types.ts";

export type { Env } from "../env.ts";

/** Context window assumed for models not in the table (any model behind a custom base URL, say). */
export const DEFAULT_CONTEXT_WINDOW = 32_768;

/** Splits "openai/gpt-4o-mini" into provider and model; the model part may itself contain "/". */
export function parseHandle(handle: string): { provider: string; model: string } {
  const slash = handle.indexOf("/");
  if (slash <= 0 || slash === handle.length - 1) {
    throw new LmosError(
      "invalid_argument",
      `Invalid model handle "${handle}": use provider/model, e.g. openai/gpt-4o-mini, anthropic/claude-sonnet-4 or ollama/llama3.1`,
    );
  }
  return { provider: handle.slice(0, slash).toLowerCase(), model: handle.slice(slash + 1) };
}

// Matched against the model name (lowercased) in order; the first match wins, so specific before general.
const knownWindows: Array<[RegExp, number]> = [
  [/^gpt-4\.1/, 1_047_576],
  [/^gpt-5/, 400_000],
  [/^gpt-4o/, 128_000],
  [/^gpt-4-turbo/, 128_000],
  [/^o(1|3|4)(-mini|-pro)?(\b|-|$)/, 200_000],
  [/^gpt-4(-|$)/, 8_192],
  [/^gpt-3\.5-turbo/, 16_385],
  [/^claude-/, 200_000],
  [/^llama3\.(1|2|3)/, 131_072],
  [/^qwen2\.5/, 32_768],
  [/^mistral/, 32_768],
];

/** Context window of a known model name, or undefined. */
function knownWindow(model: string): number | undefined {
  const name = model.toLowerCase();
  return knownWindows.find(([re]) => re.test(name))?.[1];
}

/**
 * What we know about a handle. Unknown models get DEFAULT_CONTEXT_WINDOW (32,768), or
 * LMOS_CONTEXT_WINDOW when set; a per-agent override is applied by the caller.
 */
export function modelInfo(handle: string, env: Env = process.env): ModelInfo {
  const { provider, model } = parseHandle(handle);
  const known = knownWindow(model);
  if (known !== undefined) return { handle, provider, model, contextWindow: known, known: true };
  const fromEnv = env.LMOS_CONTEXT_WINDOW;
  let contextWindow = DEFAULT_CONTEXT_WINDOW;
  if (fromEnv !== undefined && fromEnv !== "") {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 256) {
      throw new LmosError(
        "invalid_argument",
        `LMOS_CONTEXT_WINDOW must be an integer ≥ 256, got "${fromEnv}"`,
      );
    }
    contextWindow = n;
  }
  return { handle, provider, model, contextWindow, known: false };
}
