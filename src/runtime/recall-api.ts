// agent.recall: search over every message the agent exchanged, as its conversation_search tool sees it.
import { z } from "zod";
import { searchRecall, spokenText } from "../memory/index.ts";
import type { RuntimeCore } from "./core.ts";
import { resolveAgent } from "./core.ts";
import type { AgentHandle } from "./types.ts";
import { validate } from "./validate.ts";

const recallOptionsSchema = z
  .object({
    limit: z.number().int().min(1).max(200).optional(),
    roles: z.array(z.enum(["user", "assistant"])).optional(),
    start: z.string().optional(),
    end: z.string().optional(),
  })
  .optional();

/** Builds agent.recall for one agent. */
export function recallApi(core: RuntimeCore, agentId: string): AgentHandle["recall"] {
  return {
    async search(query, options) {
      const opts = validate(recallOptionsSchema, options, "options") ?? {};
      const agent = await resolveAgent(core, agentId);
      const page = await searchRecall(
        { store: core.store, embedder: core.runner.deps.embedderFor(agent.embedding) },
        agentId,
        { query: validate(z.string(), query, "query"), ...opts, pageSize: opts.limit ?? 10 },
      );
      return page.results.map((message) => ({ message, text: spokenText(message) }));
    },
  };
}
