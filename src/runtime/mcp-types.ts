// The public API of MCP servers lmos uses as a client (lmos.mcpServers).
import type { McpServerRecord, Page, ProjectFilter, ToolRecord } from "../store/types.ts";

/** An MCP server to register: a command lmos starts (stdio) or a URL (streamable HTTP, or legacy SSE). */
export type McpServerInput =
  | { name: string; type: "stdio"; command: string; args?: string[]; env?: Record<string, string> }
  | {
      name: string;
      type: "streamable_http" | "sse";
      url: string;
      authHeader?: string;
      authToken?: string;
      headers?: Record<string, string>;
    };

/** What syncing a server's tools did: tools stored (new or changed), removed, or skipped with why. */
export interface McpSyncReport {
  tools: ToolRecord[];
  added: string[];
  updated: string[];
  removed: string[];
  /** Set when the server could not be reached: the server is kept, its tools stay as they were. */
  error?: string;
}

/** MCP servers, addressed by id or name. Their tools are stored as tools of type external_mcp. */
export interface McpServersApi {
  /** Registers the server, connects, and stores its tools (a server that cannot be reached is still
   * registered; the report says why there are no tools). */
  create(input: McpServerInput): Promise<{ server: McpServerRecord; sync: McpSyncReport }>;
  get(idOrName: string): Promise<McpServerRecord>;
  list(query?: Page & ProjectFilter): Promise<McpServerRecord[]>;
  /** Changes the connection settings (reconnecting on next use) and the name. */
  update(idOrName: string, patch: Partial<McpServerInput>): Promise<McpServerRecord>;
  /** Deletes the server, its stored tools (detaching them from agents) and its connection. */
  delete(idOrName: string): Promise<void>;
  /** The server's stored tools. */
  tools(idOrName: string): Promise<ToolRecord[]>;
  /** Lists the server's tools again and brings the stored ones in line. */
  refresh(idOrName: string): Promise<McpSyncReport>;
  /** Calls one of its tools directly (outside any agent). */
  run(
    idOrName: string,
    toolIdOrName: string,
    args: Record<string, unknown>,
  ): Promise<{ ok: boolean; text: string }>;
}
