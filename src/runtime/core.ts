// What the runtime's API objects share: the store, the kernel runner and the resolved configuration, plus
// the lookups every API member needs (agent by id or name, the view of an agent).
import { found } from "../errors.ts";
import type { AgentRunner } from "../kernel/index.ts";
import type { ModelInfo } from "../llm/types.ts";
import type { AgentRecord, Store } from "../store/types.ts";
import type { ResolvedConfig } from "./config.ts";
import type { AgentEventBus } from "./event-bus.ts";
import type { JobQueue } from "./jobs/index.ts";
import type { AgentView } from "./types.ts";
import type { Check } from "./validate.ts";

export interface RuntimeCore {
  store: Store;
  runner: AgentRunner;
  config: ResolvedConfig;
  modelFor(agent: AgentRecord): ModelInfo;
  /** The one job queue (agents' messages and sleep-time runs are queued on it). */
  jobs: JobQueue;
  /** Every run's events, per agent (agent.watch). */
  events: AgentEventBus;
  /** How entry points check their input: validate for the library, trust for a boundary that did. */
  check: Check;
}

/** An agent by id or name; throws LmosError("not_found"). */
export async function resolveAgent(core: RuntimeCore, idOrName: string): Promise<AgentRecord> {
  const byId = idOrName.startsWith("agent-") ? await core.store.getAgent(idOrName) : null;
  return found(byId ?? (await core.store.getAgentByName(idOrName)), `agent "${idOrName}"`);
}

/** An agent with its blocks, tools, sources and model facts. */
export async function agentView(core: RuntimeCore, record: AgentRecord): Promise<AgentView> {
  const [blocks, tools, sources, secrets, groups] = await Promise.all([
    core.store.agentBlocks(record.id),
    core.store.agentTools(record.id),
    core.store.agentSources(record.id),
    core.store.agentSecrets(record.id),
    core.store.agentGroups(record.id),
  ]);
  return {
    record,
    blocks,
    tools,
    sources,
    groups,
    model: core.modelFor(record),
    secretKeys: Object.keys(secrets),
  };
}
