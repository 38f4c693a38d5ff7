// The MCP endpoint under `lmos serve` (streamable HTTP, stateless): /mcp serves every agent (tools take an
// `agent` argument), /v1/agents/{agent_id}/mcp one agent. Each request gets its own MCP server and
// transport, so nothing is kept between requests and any number of clients may connect; the API key, when
// set, is required as for every other route.
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context, Hono } from "hono";
import type { Lmos } from "../../runtime/types.ts";
import { memoryMcpServer } from "./memory-server.ts";

async function answer(c: Context, lmos: Lmos, version: string, agent?: string): Promise<Response> {
  const server = await memoryMcpServer(lmos, { agent, version });
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(c.req.raw);
  } finally {
    void server.close();
  }
}

/** Adds the MCP endpoints to the app. */
export function mountMcp(app: Hono, lmos: Lmos, version: string): void {
  app.all("/mcp", (c) => answer(c, lmos, version));
  app.all("/v1/agents/:agent_id/mcp", (c) => answer(c, lmos, version, c.req.param("agent_id")));
}
