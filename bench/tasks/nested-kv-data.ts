// MemGPT's nested key-value retrieval task (../shared/data/nested-kv/README.md, from letta's
// paper_experiments/nested_kv_task at 0f38548c): line 0's 140 UUID pairs, with the key at idx[i]
// overwritten to point at the key at idx[i+1] for i in 0…L-2, so the answer takes L lookups.
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

export interface NestedKvInstance {
  level: number;
  seed: number;
  /** The key the agent is asked about (the key at idx[0]). */
  queryKey: string;
  /** The final value of the chain: the original value of the key at idx[L-1]. */
  answer: string;
  /** The keys visited, query key first (L of them). */
  chain: string[];
  /** All 140 pairs after the overwrites, in file order. */
  pairs: Array<[string, string]>;
}

/** Where the data lives in the shared checkout. */
export const DEFAULT_NESTED_KV_DIR = new URL("../../../shared/data/nested-kv/", import.meta.url).pathname;

/** Line 0's 140 pairs, in file order (the only line MemGPT's experiment uses). */
export async function loadKvPairs(dir = DEFAULT_NESTED_KV_DIR): Promise<Array<[string, string]>> {
  const lines = createInterface({
    input: createReadStream(join(dir, "kv-retrieval-140_keys.jsonl.gz")).pipe(createGunzip()),
  });
  for await (const line of lines) {
    lines.close();
    return (JSON.parse(line) as { ordered_kv_records: Array<[string, string]> }).ordered_kv_records;
  }
  throw new Error(`no records in ${dir}`);
}

/** The L distinct indices of ordering line `seed` for nesting level L. */
export function loadOrdering(level: number, seed: number, dir = DEFAULT_NESTED_KV_DIR): number[] {
  const file = join(dir, `random_orderings_100_samples_140_indices_${level}_levels.jsonl`);
  const line = readFileSync(file, "utf8").split("\n")[seed];
  if (!line) throw new Error(`seed ${seed} is past the 100 orderings of level ${level}`);
  return JSON.parse(line) as number[];
}

/** Applies the README's overwrites for (level, seed) and derives the gold answer by following the chain. */
export function buildInstance(
  pairs: Array<[string, string]>,
  level: number,
  seed: number,
  idx: number[],
): NestedKvInstance {
  const map = new Map(pairs);
  for (let i = 0; i <= level - 2; i++) map.set(pairs[idx[i]][0], pairs[idx[i + 1]][0]);
  const queryKey = pairs[idx[0]][0];
  const chain = [queryKey];
  let value = map.get(queryKey) as string;
  while (map.has(value)) {
    chain.push(value);
    value = map.get(value) as string;
  }
  return { level, seed, queryKey, answer: value, chain, pairs: [...map] };
}

/** The archival passage of one pair, exactly as MemGPT inserted it. */
export function pairPassage([key, value]: [string, string]): string {
  return `Key-value pair: key = ${key}, value = ${value}`;
}

/** MemGPT's user message for the nested task (nested_kv.py at the cited commit). */
export function nestedKvQuestion(queryKey: string): string {
  return (
    "I've given you a list of key-value pairs which you can find in your archival memory, all keys and values are " +
    "128-bit UUIDs, and your task is to return the value associated with the specified key. If a value itself is " +
    "also a key, return the value of that key (do a nested lookup). For example, if the value of 'x' is 'y', but " +
    "'y' is also a key, return the value of key 'y'. Your task is to provide the value for the following key: " +
    `${queryKey}. Answer only with the value, nothing else.`
  );
}

/** The persona line that tells the agent to keep following the chain. */
export const NESTED_KV_PERSONA =
  "You are a careful retrieval agent. When you look up a key in archival memory and the value you find is itself " +
  "a key, search for that value too; keep searching until the value you found is not a key, then answer with it.";
