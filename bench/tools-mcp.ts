// The MCP round trip of `npm run bench -- tools`: what one MCP tool call costs an agent beyond the model —
// lmos's McpConnections.callTool (argument object in, result text out) against a trivial echo tool, over
// stdio (a child process) and streamable HTTP (a session with a server in another process), cold (first
// call: spawn or connect, initialize, call) and warm (p50/p99 over many calls), beside the SDK's Client
// called directly on the same server, so lmos's own share shows.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpServerRecord } from "../src/store/types.ts";
import { McpConnections } from "../src/tools/index.ts";

const require = createRequire(import.meta.url);
const sdk = (p: string) => JSON.stringify(require.resolve(`@modelcontextprotocol/sdk/${p}`));

// One echo server, on stdio or (with "http") on a loopback port it prints.
const ECHO_SERVER = `
const { McpServer } = require(${sdk("server/mcp.js")});
const { z } = require(${JSON.stringify(require.resolve("zod"))});
function build() {
  const s = new McpServer({ name: "echo", version: "1" });
  s.registerTool("echo", { description: "Echo.", inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: "text", text }] }));
  return s;
}
if (process.argv[2] !== "http") {
  const { StdioServerTransport } = require(${sdk("server/stdio.js")});
  build().connect(new StdioServerTransport());
} else {
  const http = require("node:http");
  const { randomUUID } = require("node:crypto");
  const { StreamableHTTPServerTransport } = require(${sdk("server/streamableHttp.js")});
  const sessions = new Map();
  http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
      let t = sessions.get(req.headers["mcp-session-id"]);
      if (!t) {
        t = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID,
          onsessioninitialized: (id) => sessions.set(id, t) });
        await build().connect(t);
      }
      await t.handleRequest(req, res, body);
    });
  }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });
}
`;

export interface RoundTripRow {
  case: string;
  transport: string;
  client: string;
  cold_ms: number;
  warm_p50_ms: number;
  warm_p99_ms: number;
  calls: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round = (x: number) => Number(x.toFixed(3));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Warm calls on an open connection (the first call, which opens it, is not counted). */
async function timeCalls(calls: number, call: (i: number) => Promise<void>) {
  await call(-1);
  for (let i = 0; i < 50; i++) await call(i); // warm-up: JIT, connection pool
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    await call(i);
    samples.push(performance.now() - s);
  }
  samples.sort((a, b) => a - b);
  return { warm_p50_ms: round(quantile(samples, 0.5)), warm_p99_ms: round(quantile(samples, 0.99)) };
}

const COLD_RUNS = 5;

function server(id: string, fields: Partial<McpServerRecord>): McpServerRecord {
  return {
    id,
    name: id,
    type: "stdio",
    command: null,
    args: [],
    env: {},
    url: null,
    authHeader: null,
    authToken: null,
    headers: {},
    createdAt: "",
    updatedAt: "",
    ...fields,
  };
}

async function startHttpServer(script: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [script, "http"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (d: Buffer) => resolve(d.toString("utf8").trim()));
    child.once("exit", (code) => reject(new Error(`echo server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}

/** Measures the MCP round trips; `calls` warm calls per row. */
export async function mcpRoundTrips(calls: number): Promise<RoundTripRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "lmos-bench-mcp-"));
  const script = join(dir, "echo-server.cjs");
  writeFileSync(script, ECHO_SERVER);
  const { url, child } = await startHttpServer(script);
  const rows: RoundTripRow[] = [];
  const args = (i: number) => ({ text: `hello ${i}` });
  try {
    for (const transport of ["stdio", "streamable_http"] as const) {
      // A throwaway connection first, so neither measured cold call pays for loading the transport's code.
      const warm = new Client({ name: "bench", version: "1" });
      await warm.connect(
        transport === "stdio"
          ? new StdioClientTransport({ command: process.execPath, args: [script] })
          : new StreamableHTTPClientTransport(new URL(url)),
      );
      await warm.callTool({ name: "echo", arguments: args(0) });
      await warm.close();
      const record =
        transport === "stdio"
          ? server("mcp_server-stdio", { command: process.execPath, args: [script] })
          : server("mcp_server-http", { type: "streamable_http", url });
      // A client of each kind, as a fresh connection and its calls.
      const lmosClient = () => {
        const lmos = new McpConnections({ timeoutMs: 30_000, connectTimeoutMs: 30_000 });
        return {
          call: async (i: number) => {
            const r = await lmos.callTool(record, "echo", args(i));
            if (!r.ok || r.text !== `hello ${i}`) throw new Error(`bad echo: ${r.text}`);
          },
          close: () => lmos.close(),
        };
      };
      const sdkClient = () => {
        const client = new Client({ name: "bench", version: "1" });
        let open: Promise<void> | null = null;
        return {
          call: async (i: number) => {
            open ??= client.connect(
              transport === "stdio"
                ? new StdioClientTransport({ command: process.execPath, args: [script] })
                : new StreamableHTTPClientTransport(new URL(url)),
            );
            await open;
            const r = (await client.callTool({ name: "echo", arguments: args(i) })) as {
              content: Array<{ text: string }>;
            };
            if (r.content[0].text !== `hello ${i}`) throw new Error("bad echo");
          },
          close: () => client.close(),
        };
      };
      const kinds = [
        { name: "lmos McpConnections", make: lmosClient },
        { name: "SDK Client (baseline)", make: sdkClient },
      ];
      // Cold: connect + initialize + first call on a fresh connection, alternating the two clients.
      const cold = new Map<string, number[]>(kinds.map((k) => [k.name, []]));
      for (let r = 0; r < COLD_RUNS; r++) {
        for (const k of r % 2 ? [...kinds].reverse() : kinds) {
          const c = k.make();
          const t0 = performance.now();
          await c.call(0);
          cold.get(k.name)?.push(performance.now() - t0);
          await c.close();
        }
      }
      for (const k of kinds) {
        const c = k.make();
        const warmRow = await timeCalls(calls, c.call);
        await c.close();
        const cold_ms = round(median(cold.get(k.name) ?? [0]));
        rows.push({ case: "mcp", transport, client: k.name, cold_ms, ...warmRow, calls });
      }
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
