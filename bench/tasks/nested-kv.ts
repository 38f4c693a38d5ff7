// Runs MemGPT's nested key-value retrieval (see nested-kv-data.ts) against an lmos instance: one agent
// per (level, seed) with the 140 pairs in archival memory, one question, accuracy per nesting level.
import type { Lmos } from "../../src/runtime/types.ts";
import { replyText, type ToolExchange, toolExchanges } from "./agent-traffic.ts";
import {
  buildInstance,
  DEFAULT_NESTED_KV_DIR,
  loadKvPairs,
  loadOrdering,
  NESTED_KV_PERSONA,
  nestedKvQuestion,
  pairPassage,
} from "./nested-kv-data.ts";

export interface NestedKvOptions {
  model: string;
  levels: number[];
  seeds: number[];
  dataDir?: string;
  onResult?: (r: NestedKvResult) => void;
}

export interface NestedKvResult {
  level: number;
  seed: number;
  queryKey: string;
  answer: string;
  /** The keys the agent had to visit, query key first. */
  chain: string[];
  reply: string;
  correct: boolean;
  /** archival_memory_search calls with what came back. */
  searches: ToolExchange[];
  steps: number;
}

export interface NestedKvReport {
  model: string;
  results: NestedKvResult[];
  accuracyByLevel: Record<number, { correct: number; total: number; accuracy: number }>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Runs every (level, seed) and reports accuracy per nesting level. */
export async function runNestedKv(lmos: Lmos, options: NestedKvOptions): Promise<NestedKvReport> {
  const pairs = await loadKvPairs(options.dataDir ?? DEFAULT_NESTED_KV_DIR);
  const results: NestedKvResult[] = [];
  for (const level of options.levels) {
    for (const seed of options.seeds) {
      const inst = buildInstance(pairs, level, seed, loadOrdering(level, seed, options.dataDir));
      const agent = await lmos.agents.create({
        name: `nested-kv-L${level}-s${seed}-${Date.now().toString(36)}`,
        model: options.model,
        embedding: null, // MemGPT searched these passages lexically: UUIDs are out of distribution for embedders
        memoryBlocks: [
          { label: "persona", value: NESTED_KV_PERSONA },
          { label: "human", value: "The user asks you to look up values in archival memory." },
        ],
      });
      for (const pair of inst.pairs) await agent.archival.insert(pairPassage(pair));
      const run = await agent.send(nestedKvQuestion(inst.queryKey), { maxSteps: 4 * level + 6 });
      const messages = [...run.messages];
      let reply = replyText(messages);
      if (!UUID.test(reply)) {
        // MemGPT's follow-up for models that did not answer with the value.
        const more = await agent.send("What is your final answer? Respond with only the answer.", {
          maxSteps: 3,
        });
        messages.push(...more.messages);
        reply = replyText(more.messages) || reply;
      }
      const given = UUID.exec(reply)?.[0] ?? "";
      const result: NestedKvResult = {
        level,
        seed,
        queryKey: inst.queryKey,
        answer: inst.answer,
        chain: inst.chain,
        reply,
        correct: given === inst.answer,
        searches: toolExchanges(messages).filter((c) => c.name === "archival_memory_search"),
        steps: messages.filter((m) => m.role === "assistant").length,
      };
      results.push(result);
      options.onResult?.(result);
      await lmos.agents.delete(agent.id);
    }
  }
  const accuracyByLevel: NestedKvReport["accuracyByLevel"] = {};
  for (const level of options.levels) {
    const of = results.filter((r) => r.level === level);
    const correct = of.filter((r) => r.correct).length;
    accuracyByLevel[level] = { correct, total: of.length, accuracy: of.length ? correct / of.length : 0 };
  }
  return { model: options.model, results, accuracyByLevel };
}
