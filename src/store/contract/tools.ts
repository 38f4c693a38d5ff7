// The Store contract, tools: the tool registry (unique by name) and which tools an agent has.
// Conformance: conformance/tools.testkit.ts.
import type { ToolRecord } from "../records.ts";
import type { Page } from "./queries.ts";
import type { ProjectFilter } from "./tenancy.ts";

export interface ToolStore {
  /** Inserts, or updates the tool with the same name or else the same id (keeping the stored id). */
  upsertTool(tool: ToolRecord): Promise<ToolRecord>;
  getTool(id: string): Promise<ToolRecord | null>;
  getToolByName(name: string): Promise<ToolRecord | null>;
  listTools(q: Page & ProjectFilter & { name?: string }): Promise<ToolRecord[]>;
  deleteTool(id: string): Promise<void>;
  agentTools(agentId: string): Promise<ToolRecord[]>;
  attachTool(agentId: string, toolId: string): Promise<void>;
  detachTool(agentId: string, toolId: string): Promise<void>;
  /** An agent's tool environment variables (Letta's secrets); values never leave the server. */
  agentSecrets(agentId: string): Promise<Record<string, string>>;
  /** Replaces an agent's tool environment variables. */
  setAgentSecrets(agentId: string, secrets: Record<string, string>): Promise<void>;
}
