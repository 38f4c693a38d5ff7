// What every route module gets: the library, the route table, and lookups shared between modules.
import type { Lmos } from "../../runtime/types.ts";
import { agentToLetta } from "../letta/agent-state.ts";
import type { ServerLimits } from "../limits.ts";
import type { RouteTable } from "../route-table.ts";

export interface RouteContext {
  lmos: Lmos;
  /** The same lmos, trusting its input (agents, blocks, tools, runs, groups, schedules, MCP servers, recall
   * search): a route calling it checks that input first with the library's schemas (runtime/validate.ts
   * and the API files' exported schemas), so each input is validated once. */
  trusted: Lmos;
  table: RouteTable;
  /** Keepalive ping interval of SSE streams. */
  pingMs: number;
  limits: ServerLimits;
}

/** The AgentState of an agent (by id or name). */
export async function agentState(lmos: Lmos, idOrName: string): Promise<Record<string, unknown>> {
  const handle = await lmos.agents.get(idOrName);
  return agentToLetta(await handle.state());
}

/** How an agent's replies reach the user; read from the record alone (no relations needed). */
export async function replyModeOf(lmos: Lmos, agentId: string): Promise<"send_message" | "text"> {
  const record = await lmos.store.getAgent(agentId);
  return record?.settings.replyMode ?? "send_message";
}

/** Letta's answer to a delete. */
export function deleted(what: string, id: string): { message: string } {
  return { message: `${what} id=${id} successfully deleted` };
}
