// lmos as an MCP client, through the real @letta-ai/letta-client: MCP servers written here with the official
// SDK — one started as a stdio command, one serving streamable HTTP — are registered with /v1/mcp-servers,
// their tools listed and attached to an agent, and called by the (scripted) model. Failures, timeouts and a
// server that dies come back to the model as tool errors; the dead server is started again on the next call.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Letta from "@letta-ai/letta-client";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

const require = createRequire(import.meta.url);

// The stdio server: a CommonJS script run with node, written out at test start.
const STDIO_SERVER = `
const { McpServer } = require(${JSON.stringify(require.resolve("@modelcontextprotocol/sdk/server/mcp.js"))});
const { StdioServerTransport } = require(${JSON.stringify(require.resolve("@modelcontextprotocol/sdk/server/stdio.js"))});
const { z } = require(${JSON.stringify(require.resolve("zod"))});
const server = new McpServer({ name: "calc", version: "1.0.0" });
const text = (t) => ({ content: [{ type: "text", text: String(t) }] });
server.registerTool("add", { description: "Adds two numbers.", inputSchema: { a: z.number(), b: z.number() } },
  async ({ a, b }) => text(a + b));
server.registerTool("fail", { description: "Always fails.", inputSchema: {} }, async () => {
  throw new Error("kaput: the tool broke");
});
server.registerTool("slow", { description: "Sleeps.", inputSchema: { ms: z.number() } },
  async ({ ms }) => { await new Promise((r) => setTimeout(r, ms)); return text("woke up"); });
server.registerTool("pid", { description: "The server's process id.", inputSchema: {} }, async () => text(process.pid));
server.registerTool("crash", { description: "Exits the server.", inputSchema: {} }, async () => {
  process.stderr.write("calc: crashing on purpose\\n");
  process.exit(3);
});
server.connect(new StdioServerTransport());
`;

// The HTTP server: in this process, stateless streamable HTTP (a fresh MCP server per request).
function weatherServer(): McpServer {
  const server = new McpServer({ name: "weather", version: "1.0.0" });
  server.registerTool(
    "forecast",
    { description: "The forecast for a city.", inputSchema: { city: z.string() } },
    async ({ city }) => ({ content: [{ type: "text", text: `Sunny in ${city}, 21 °C` }] }),
  );
  return server;
}

async function serveHttp(port = 0): Promise<Server> {
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      const server = weatherServer();
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      const text = Buffer.concat(chunks).toString("utf8");
      await transport.handleRequest(req, res, text ? JSON.parse(text) : undefined);
    });
  });
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", () => resolve()));
  return http;
}

const closeHttp = (s: Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

let fx: ServerFixture;
let client: Letta;
let dir: string;
let http: Server;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lmos-mcp-"));
  writeFileSync(join(dir, "calc-server.cjs"), STDIO_SERVER);
  http = await serveHttp();
  fx = await openServerFixture({ env: { LMOS_MCP_TIMEOUT_MS: "1500" } });
  client = new Letta({ baseURL: fx.url, apiKey: null, maxRetries: 0 });
});
afterAll(async () => {
  await fx.close();
  await closeHttp(http);
  rmSync(dir, { recursive: true, force: true });
});

type Msg = { message_type?: string } & Record<string, any>;

/** Runs the agent on one user message where the model calls `tool` with `args`, then replies; returns the
 * tool's return message and what the model saw as the result. */
async function callThroughModel(agentId: string, tool: string, args: Record<string, unknown>) {
  let seen = "";
  fx.model.push(toolCallReply(tool, { ...args, request_heartbeat: true }), (req) => {
    seen = req.lastToolResult ?? "";
    return sendMessageReply("done");
  });
  const response = await client.agents.messages.create(agentId, { input: `please call ${tool}` });
  const ret = response.messages.find((m) => m.message_type === "tool_return_message") as Msg;
  return { ret, seen };
}

describe("MCP client (/v1/mcp-servers)", () => {
  let stdioId = "";
  let agentId = "";
  const toolIds = new Map<string, string>();

  it("registers a stdio server, stores its tools, and attaches them to an agent", async () => {
    const server = await client.mcpServers.create({
      server_name: "calc",
      config: { mcp_server_type: "stdio", command: process.execPath, args: [join(dir, "calc-server.cjs")] },
    });
    stdioId = server.id ?? "";
    expect(server).toMatchObject({
      server_name: "calc",
      mcp_server_type: "stdio",
      command: process.execPath,
    });
    const tools = await client.mcpServers.tools.list(stdioId);
    expect(tools.map((t) => t.name).sort()).toEqual(["add", "crash", "fail", "pid", "slow"]);
    const add = tools.find((t) => t.name === "add");
    expect(add).toMatchObject({
      tool_type: "external_mcp",
      tags: ["mcp:calc"],
      description: "Adds two numbers.",
    });
    expect(add?.json_schema?.parameters).toMatchObject({
      properties: { a: { type: "number" } },
      required: ["a", "b"],
    });
    for (const t of tools) toolIds.set(t.name ?? "", t.id);
    expect((await client.mcpServers.list()).map((s) => s.server_name)).toContain("calc");

    const agent = await client.agents.create({ name: "mcp_user", model: "openai/gpt-4o-mini" });
    agentId = agent.id;
    for (const id of toolIds.values()) await client.agents.tools.attach(id, { agent_id: agentId });
    const attached = await client.agents.tools.list(agentId);
    expect(attached.items.map((t) => t.name)).toEqual(expect.arrayContaining(["add", "crash"]));
  });

  it("lets the model call an MCP tool and puts the result in the conversation", async () => {
    const before = fx.model.requests.length;
    const { ret, seen } = await callThroughModel(agentId, "add", { a: 2, b: 40 });
    expect(ret.status).toBe("success");
    expect(JSON.parse(ret.tool_return).message).toBe("42");
    expect(JSON.parse(seen).message).toBe("42");
    // the model was offered the MCP tool with its own schema (plus Letta's heartbeat flag)
    const offered = fx.model.requests[before].body.tools.find((t: any) => t.function.name === "add");
    expect(offered.function.parameters.properties).toHaveProperty("a");
    expect(offered.function.parameters.properties).toHaveProperty("request_heartbeat");
  });

  it("returns a tool's failure, bad arguments and a timeout to the model as tool errors", async () => {
    const failed = await callThroughModel(agentId, "fail", {});
    expect(failed.ret.status).toBe("error");
    expect(failed.seen).toContain("kaput: the tool broke");
    const bad = await callThroughModel(agentId, "add", { a: "two", b: 1 });
    expect(bad.ret.status).toBe("error");
    expect(bad.seen).toContain("invalid arguments for add");
    const slow = await callThroughModel(agentId, "slow", { ms: 10_000 });
    expect(slow.ret.status).toBe("error");
    expect(slow.seen).toContain("timed out after 1500 ms");
  });

  it("reports a server that dies and starts it again on the next call", async () => {
    const first = await callThroughModel(agentId, "pid", {});
    const pid = JSON.parse(first.seen).message;
    const crash = await callThroughModel(agentId, "crash", {});
    expect(crash.ret.status).toBe("error");
    expect(crash.seen).toContain('MCP server \\"calc\\" closed the connection');
    expect(crash.seen).toContain("crashing on purpose");
    const again = await callThroughModel(agentId, "pid", {});
    expect(again.ret.status).toBe("success");
    expect(JSON.parse(again.seen).message).not.toBe(pid);
  });

  it("uses a streamable HTTP server, and reconnects once it is back after going away", async () => {
    const port = (http.address() as AddressInfo).port;
    const server = await client.mcpServers.create({
      server_name: "weather",
      config: {
        mcp_server_type: "streamable_http",
        server_url: `http://127.0.0.1:${port}/mcp`,
        auth_header: "Authorization",
        auth_token: "Bearer sekrit",
      },
    });
    // the token is stored, never sent back
    expect(server).toMatchObject({ mcp_server_type: "streamable_http", auth_token: "********" });
    const [forecast] = await client.mcpServers.tools.list(server.id ?? "");
    expect(forecast.name).toBe("forecast");
    await client.agents.tools.attach(forecast.id, { agent_id: agentId });
    const ok = await callThroughModel(agentId, "forecast", { city: "Lyon" });
    expect(JSON.parse(ok.seen).message).toBe("Sunny in Lyon, 21 °C");

    await closeHttp(http);
    const down = await callThroughModel(agentId, "forecast", { city: "Lyon" });
    expect(down.ret.status).toBe("error");
    expect(down.seen).toContain("could not be reached");
    http = await serveHttp(port);
    const back = await callThroughModel(agentId, "forecast", { city: "Oslo" });
    expect(JSON.parse(back.seen).message).toBe("Sunny in Oslo, 21 °C");

    const direct = await client.mcpServers.tools.run(forecast.id, {
      mcp_server_id: server.id ?? "",
      args: { city: "Rome" },
    });
    expect(direct).toMatchObject({ status: "success", func_return: "Sunny in Rome, 21 °C" });
  });

  it("keeps a server that cannot be reached, and removes its tools from agents when it is deleted", async () => {
    const broken = await client.mcpServers.create({
      server_name: "nowhere",
      config: { mcp_server_type: "stdio", command: join(dir, "no-such-binary"), args: [] },
    });
    expect(await client.mcpServers.tools.list(broken.id ?? "")).toEqual([]);
    const refresh = (await client.mcpServers.refresh(broken.id ?? "")) as { error?: string };
    expect(refresh.error).toContain("could not connect to MCP server");
    await client.mcpServers.delete(stdioId);
    const left = (await client.agents.tools.list(agentId)).items.map((t) => t.name);
    expect(left).not.toContain("add");
    expect(left).toContain("forecast");
    await expect(client.mcpServers.retrieve(stdioId)).rejects.toThrow(/404/);
  });
});
