// One agent's state shared by its pages: the agent, its core memory blocks and the context window overview.
// The chat refreshes blocks and context after every step; pages also poll gently, so edits made elsewhere
// (the CLI, another tab) show up without a reload.
import { type ComponentChildren, createContext } from "preact";
import { useCallback, useContext, useMemo } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Agent, Block, ContextOverview } from "../api/types.ts";
import { type Loaded, useInterval, useLoad } from "./use-load.ts";

export interface AgentData {
  agentId: string;
  agent: Loaded<Agent>;
  blocks: Loaded<Block[]>;
  context: Loaded<ContextOverview>;
  /** Reloads blocks and context (after a step, a save). */
  refresh(): Promise<void>;
}

const Ctx = createContext<AgentData | null>(null);

const POLL_MS = 5_000;

/** Provides the data of agent `agentId` to the pages below. */
export function AgentDataProvider({ agentId, children }: { agentId: string; children: ComponentChildren }) {
  const path = `agents/${seg(agentId)}`;
  const agent = useLoad((signal) => api<Agent>("GET", path, { signal }), [agentId]);
  const blocks = useLoad(
    (signal) => api<Block[]>("GET", `${path}/core-memory/blocks`, { signal }),
    [agentId],
  );
  const context = useLoad((signal) => api<ContextOverview>("GET", `${path}/context`, { signal }), [agentId]);
  const refresh = useCallback(async () => {
    await Promise.all([blocks.reload(), context.reload()]);
  }, [blocks.reload, context.reload]);
  useInterval(() => void refresh(), POLL_MS);
  const value = useMemo(
    () => ({ agentId, agent, blocks, context, refresh }),
    [agentId, agent, blocks, context, refresh],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The current agent's data (inside AgentDataProvider). */
export function useAgentData(): AgentData {
  const v = useContext(Ctx);
  if (!v) throw new Error("useAgentData outside AgentDataProvider");
  return v;
}
