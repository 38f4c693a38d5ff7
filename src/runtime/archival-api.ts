// agent.archival: the agent's archival memory (insert, hybrid search, list, delete) through the memory layer.
import { LmosError } from "../errors.ts";
import { insertArchival, searchArchival } from "../memory/index.ts";
import { nowIso } from "../store/index.ts";
import type { RuntimeCore } from "./core.ts";
import { resolveAgent } from "./core.ts";
import type { AgentHandle } from "./types.ts";
import { archivalSearchSchema } from "./validate.ts";

/** Builds agent.archival for one agent. */
export function archivalApi(core: RuntimeCore, agentId: string): AgentHandle["archival"] {
  const { store } = core;
  const embedder = async () => core.runner.deps.embedderFor((await resolveAgent(core, agentId)).embedding);
  return {
    async insert(text, tags = [], options = {}) {
      if (typeof text !== "string" || !text.trim())
        throw new LmosError("invalid_argument", "text: the passage is empty");
      const created = options.createdAt === undefined ? Number.NaN : Date.parse(options.createdAt);
      if (options.createdAt !== undefined && Number.isNaN(created))
        throw new LmosError(
          "invalid_argument",
          `createdAt: ${JSON.stringify(options.createdAt)} is not a date; use an ISO time such as 2023-05-08T13:56:00Z`,
        );
      const now = Number.isNaN(created) ? nowIso() : new Date(created).toISOString();
      return insertArchival(store, await embedder(), { agentId, text, tags, now });
    },
    async search(query, options) {
      const opts = core.check(archivalSearchSchema, options, "options") ?? {};
      return searchArchival(store, await embedder(), { agentId, query, ...opts });
    },
    async list(query = {}) {
      const { search, ...page } = query;
      if (!search) return store.listPassages({ agentId }, page);
      const hits = await searchArchival(store, await embedder(), {
        agentId,
        query: search,
        limit: page.limit ?? 50,
      });
      return hits.map((h) => h.passage);
    },
    async delete(passageId) {
      const [p] = await store.getPassages([passageId]);
      if (!p || p.agentId !== agentId)
        throw new LmosError(
          "not_found",
          `passage ${passageId} not found in agent ${agentId}'s archival memory`,
        );
      await store.deletePassages([passageId]);
    },
  };
}
