// agent.recall: search over every message the agent exchanged, as its conversation_search tool sees it.
import { z } from "zod";
import { searchRecall, spokenText } from "../memory/index.ts";
import type { RuntimeCore } from "./core.ts";
import { resolveAgent } from "./core.ts";
import type { AgentHandle } from "./types.ts";

/** The options of a recall search (agent.recall.search). */
export const recallOptionsSchema = z
  .object({
    limit: z.number().int().min(1).max(200).optional(),
    roles: z.array(z.enum(["user", "assistant"])).optional(),
    start: z.string().optional(),
    end: z.string().optional(),
  })
  .optional();

/** The query of a recall search: words, or empty for the latest messages. */
export const recallQuerySchema = z.string();

/** Builds agent.recall for one agent. */
export function recallApi(core: RuntimeCore, agentId: string): AgentHandle["recall"] {
  return {
    async search(query, options) {
      const opts = core.check(recallOptionsSchema, options, "options") ?? {};
      const agent = await resolveAgent(core, agentId);
      const page = await searchRecall(
        { store: core.store, embedder: core.runner.deps.embedderFor(agent.embedding) },
        agentId,
        { query: core.check(recallQuerySchema, query, "query"), ...opts, pageSize: opts.limit ?? 10 },
      );
      return page.results.map((message) => ({ message, text: spokenText(message) }));
    },
  };
}
