// Live connections to MCP servers through the official SDK client: one per server, opened on first use and
// shared by every agent. A stdio server is a child process; a streamable-HTTP (or legacy SSE) server is a
// URL. Calls have a timeout; a connection that closes (the process exited, the HTTP server went away) is
// dropped, so the call in flight fails with a message saying so and the next call starts a fresh one.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { LmosError } from "../../errors.ts";
import type { McpServerRecord } from "../../store/types.ts";

/** A tool as an MCP server lists it. */
export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** The text of a call's result, and whether the server reported success. */
export interface McpCallResult {
  ok: boolean;
  text: string;
}

export interface McpConnectionOptions {
  /** Per call (tools/call, tools/list). */
  timeoutMs: number;
  /** Starting the process or reaching the URL, and the initialize handshake. */
  connectTimeoutMs: number;
}

interface Live {
  key: string;
  client: Client;
  ready: Promise<void>;
  closed: boolean;
  /** The last lines a stdio server wrote to stderr (for the error when it dies). */
  stderr: string;
}

const STDERR_TAIL = 2_000;

// What identifies a connection: a changed command, URL or header needs a new one.
function keyOf(s: McpServerRecord): string {
  return JSON.stringify([s.type, s.command, s.args, s.env, s.url, s.authHeader, s.authToken, s.headers]);
}

function headersOf(s: McpServerRecord): Record<string, string> {
  const out: Record<string, string> = { ...s.headers };
  if (s.authHeader && s.authToken) out[s.authHeader] = s.authToken;
  return out;
}

function transportOf(s: McpServerRecord): Transport {
  if (s.type === "stdio") {
    if (!s.command) throw new LmosError("invalid_argument", `MCP server "${s.name}" has no command`);
    return new StdioClientTransport({
      command: s.command,
      args: s.args,
      env: { ...getDefaultEnvironment(), ...s.env },
      stderr: "pipe",
    });
  }
  if (!s.url) throw new LmosError("invalid_argument", `MCP server "${s.name}" has no URL`);
  const requestInit = { headers: headersOf(s) };
  return s.type === "sse"
    ? new SSEClientTransport(new URL(s.url), { requestInit })
    : new StreamableHTTPClientTransport(new URL(s.url), { requestInit });
}

/** One result content item as text (non-text content is described, not dropped). */
function contentText(item: Record<string, unknown>): string {
  if (item.type === "text" && typeof item.text === "string") return item.text;
  if (item.type === "resource") {
    const r = (item.resource ?? {}) as Record<string, unknown>;
    return typeof r.text === "string" ? r.text : `[resource ${String(r.uri ?? "")}]`;
  }
  if (item.type === "resource_link") return `[resource ${String(item.uri ?? "")}]`;
  if (item.type === "image" || item.type === "audio") return `[${item.type} ${String(item.mimeType ?? "")}]`;
  return JSON.stringify(item);
}

/** The text the model sees of a tools/call result. */
export function resultText(result: Record<string, unknown>): string {
  const content = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
  const parts = content.map(contentText).filter((t) => t.length > 0);
  if (parts.length) return parts.join("\n");
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  if (result.toolResult !== undefined) return JSON.stringify(result.toolResult);
  return "Empty response from tool";
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The MCP clients of every server lmos uses, keyed by server id. */
export class McpConnections {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly options: McpConnectionOptions,
    private readonly clientInfo = { name: "lmos", version: "0" },
  ) {}

  private open(server: McpServerRecord): Live {
    const key = keyOf(server);
    const current = this.live.get(server.id);
    if (current && !current.closed && current.key === key) return current;
    if (current) void this.drop(server.id, current);
    const client = new Client(this.clientInfo);
    const transport = transportOf(server);
    const live: Live = { key, client, closed: false, stderr: "", ready: Promise.resolve() };
    if (transport instanceof StdioClientTransport) {
      transport.stderr?.on("data", (chunk: Buffer) => {
        live.stderr = (live.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
      });
    }
    client.onclose = () => {
      live.closed = true;
      if (this.live.get(server.id) === live) this.live.delete(server.id);
    };
    live.ready = client.connect(transport, { timeout: this.options.connectTimeoutMs }).catch(async (e) => {
      live.closed = true;
      if (this.live.get(server.id) === live) this.live.delete(server.id);
      await client.close().catch(() => {});
      throw new LmosError(
        "provider_error",
        `could not connect to MCP server "${server.name}" (${this.where(server)}): ${messageOf(e)}${this.tail(live)}`,
        { cause: e },
      );
    });
    this.live.set(server.id, live);
    return live;
  }

  private where(s: McpServerRecord): string {
    return s.type === "stdio" ? `command ${[s.command, ...s.args].join(" ")}` : `${s.type} ${s.url}`;
  }

  private tail(live: Live): string {
    const t = live.stderr.trim();
    return t ? `; its stderr ends: ${t.slice(-500)}` : "";
  }

  private async drop(id: string, live: Live): Promise<void> {
    live.closed = true;
    if (this.live.get(id) === live) this.live.delete(id);
    await live.client.close().catch(() => {});
  }

  /** The server's tools (connecting first if needed). */
  async listTools(server: McpServerRecord): Promise<McpToolInfo[]> {
    const live = this.open(server);
    await live.ready;
    const out: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await live.client.listTools(cursor ? { cursor } : undefined, {
        timeout: this.options.timeoutMs,
      });
      for (const t of page.tools) {
        out.push({
          name: t.name,
          description: t.description ?? "",
          inputSchema: (t.inputSchema ?? { type: "object" }) as Record<string, unknown>,
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /** Calls a tool; failures of the server or the call come back as `ok: false` with a message for the
   * model. Only cancellation (the signal) throws. */
  async callTool(
    server: McpServerRecord,
    name: string,
    args: Record<string, unknown>,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<McpCallResult> {
    let live: Live;
    try {
      live = this.open(server);
      await live.ready;
    } catch (e) {
      return { ok: false, text: messageOf(e) };
    }
    const timeout = options.timeoutMs ?? this.options.timeoutMs;
    try {
      const result = await live.client.callTool({ name, arguments: args }, undefined, {
        timeout,
        signal: options.signal,
      });
      const text = resultText(result as Record<string, unknown>);
      return { ok: result.isError !== true, text };
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason ?? e;
      const msg = messageOf(e);
      if (live.closed) {
        return {
          ok: false,
          text: `MCP server "${server.name}" closed the connection during the call to ${name} (it exited or went away): ${msg}${this.tail(live)}. It is restarted on the next call.`,
        };
      }
      if (e instanceof McpError && e.code === ErrorCode.RequestTimeout) {
        return {
          ok: false,
          text: `MCP tool ${name} on server "${server.name}" timed out after ${timeout} ms`,
        };
      }
      // A JSON-RPC error is the server's answer; anything else (a refused or broken HTTP connection) says
      // the connection is no good: drop it so the next call opens a new one.
      if (!(e instanceof McpError && e.code <= -32600 && e.code >= -32700)) {
        await this.drop(server.id, live);
        return {
          ok: false,
          text: `MCP server "${server.name}" could not be reached for ${name}: ${msg}. The connection is reopened on the next call.`,
        };
      }
      return { ok: false, text: `MCP tool ${name} on server "${server.name}" failed: ${msg}` };
    }
  }

  /** Whether a live connection to the server is open now. */
  connected(serverId: string): boolean {
    const live = this.live.get(serverId);
    return !!live && !live.closed;
  }

  /** Closes one server's connection (it reopens on next use), or all of them. */
  async close(serverId?: string): Promise<void> {
    const entries = serverId ? [...this.live].filter(([id]) => id === serverId) : [...this.live];
    await Promise.all(entries.map(([id, live]) => this.drop(id, live)));
  }
}
