// agent.recall: search everything the user and the agent said (the same hybrid search as the model's
// conversation_search tool), for people looking through an agent's history.
import { searchRecall } from "../memory/index.ts";
import type { RuntimeCore } from "./core.ts";
import { resolveAgent } from "./core.ts";
import type { AgentHandle } from "./types.ts";
import { recallSearchSchema, validate } from "./validate.ts";

/** Builds agent.recall for one agent. */
export function recallApi(core: RuntimeCore, agentId: string): AgentHandle["recall"] {
  return {
    async search(query, options) {
      const opts = validate(recallSearchSchema, options, "options") ?? {};
      const agent = await resolveAgent(core, agentId);
      const page = await searchRecall(
        { store: core.store, embedder: core.runner.deps.embedderFor(agent.embedding) },
        agent.id,
        {
          query: String(query ?? ""),
          roles: opts.roles,
          start: opts.start,
          end: opts.end,
          pageSize: opts.limit ?? 20,
        },
      );
      return page.results;
    },
  };
}
