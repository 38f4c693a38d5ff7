// The Store contract, MCP servers: the servers lmos connects to as an MCP client (names are unique).
// Conformance: conformance/mcp-servers.testkit.ts.
import type { McpServerRecord } from "../records.ts";
import type { Page } from "./queries.ts";
import type { ProjectFilter } from "./tenancy.ts";

export interface McpServerStore {
  createMcpServer(server: McpServerRecord): Promise<void>;
  getMcpServer(id: string): Promise<McpServerRecord | null>;
  getMcpServerByName(name: string): Promise<McpServerRecord | null>;
  listMcpServers(q: Page & ProjectFilter): Promise<McpServerRecord[]>;
  updateMcpServer(id: string, patch: Partial<McpServerRecord>): Promise<McpServerRecord>;
  /** Deletes the server record (its tools are the caller's to delete). */
  deleteMcpServer(id: string): Promise<void>;
}
