// The HTTP fuzz's server side: a server fixture with seeded resources (so path ids can be real), raw
// requests over node:http (fetch would refuse or normalise the odd ones), and the property every answer
// must have: a status below 500 and, for an error, a JSON body with a code.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openServerFixture, readJson, type ServerFixture } from "../server-fixture.ts";
import { echoReply } from "../scripted-model-server.ts";
import fc from "fast-check";
import { type FuzzExtras, type FuzzRequest, type KnownIds, type OpenApi, text } from "./requests.ts";

const require = createRequire(import.meta.url);

// A stdio MCP server for the MCP routes to reach (run, refresh, patch, delete): one tool that echoes.
const MCP_SERVER = `
const { McpServer } = require(${JSON.stringify(require.resolve("@modelcontextprotocol/sdk/server/mcp.js"))});
const { StdioServerTransport } = require(${JSON.stringify(require.resolve("@modelcontextprotocol/sdk/server/stdio.js"))});
const { z } = require(${JSON.stringify(require.resolve("zod"))});
const server = new McpServer({ name: "fuzz-echo", version: "1.0.0" });
server.registerTool("echo", { description: "Echoes its text.", inputSchema: { text: z.string() } },
  async ({ text }) => ({ content: [{ type: "text", text }] }));
server.connect(new StdioServerTransport());
`;

export interface FuzzAnswer {
  status: number;
  body: string;
}

/** Sends one fuzz request as is; resolves with the status and body (rejects on a dropped connection). */
export function sendRaw(url: string, req: FuzzRequest, timeoutMs = 30_000): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const r = request(`${url}${req.path}`, {
      method: req.method,
      headers: { ...req.headers, ...(req.body ? { "content-length": String(req.body.length) } : {}) },
      timeout: timeoutMs,
    });
    r.on("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
      res.on("error", reject);
    });
    r.on("timeout", () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on("error", reject);
    r.end(req.body ?? undefined);
  });
}

/** Why an answer (or a dropped connection) breaks the property, or null when it holds. */
export function violation(a: FuzzAnswer | Error): string | null {
  if (a instanceof Error) return `no answer: ${a.message}`;
  if (a.status >= 500) return `status ${a.status}: ${a.body.slice(0, 300)}`;
  if (a.status < 400) return null;
  try {
    const body = JSON.parse(a.body) as { code?: unknown; message?: unknown };
    if (typeof body.code !== "string" || typeof body.message !== "string") {
      return `status ${a.status} without {code, message}: ${a.body.slice(0, 300)}`;
    }
  } catch {
    return `status ${a.status} with a body that is not JSON: ${a.body.slice(0, 300)}`;
  }
  return null;
}

export interface FuzzTarget {
  fx: ServerFixture;
  doc: OpenApi;
  known: KnownIds;
  extras: FuzzExtras;
}

/** Starts a server with a few agents, blocks, tools (a custom one), folders, files, passages, runs, a
 * group and an MCP server to aim at, and an exported agent file for the import. */
export async function openFuzzTarget(): Promise<FuzzTarget> {
  const fx = await openServerFixture({
    fallback: (req) => echoReply(req, "send_message"),
    keepRequests: 10,
    env: { LMOS_MODEL: "openai/gpt-4o-mini", LMOS_EMBEDDING: "none", LMOS_MAX_RETRIES: "0" },
  });
  const post = async (path: string, body: unknown) => readJson(await fx.call("POST", path, body));
  const known: KnownIds = {
    agent_id: [],
    block_id: [],
    tool_id: [],
    folder_id: [],
    run_id: [],
    passage_id: [],
    file_id: [],
    group_id: [],
  };
  for (let i = 0; i < 3; i++) {
    const agent = await post("/v1/agents/", {
      name: `target-${i}`,
      memory_blocks: [{ label: "human", value: "Ada" }],
    });
    known.agent_id.push(agent.id);
    const sent = await post(`/v1/agents/${agent.id}/messages`, { input: `hello ${i}` });
    known.run_id.push(...sent.usage.run_ids);
    const passage = await post(`/v1/agents/${agent.id}/archival-memory`, { text: `fact ${i}` });
    known.passage_id.push(...(Array.isArray(passage) ? passage : [passage]).map((p: { id: string }) => p.id));
    known.block_id.push((await post("/v1/blocks/", { label: `shared-${i}`, value: "v" })).id);
    const folder = await post("/v1/folders/", { name: `folder-${i}` });
    known.folder_id.push(folder.id);
    const form = new FormData();
    form.append("file", new Blob([`notes ${i}\n`]), `notes-${i}.txt`);
    const file = await readJson(
      await fetch(`${fx.url}/v1/folders/${folder.id}/upload`, { method: "POST", body: form }),
    );
    known.file_id.push(file.id);
  }
  // Groups need agents that exist: without one, the group routes were only ever fuzzed with unknown ids.
  const group = await post("/v1/groups/", {
    agent_ids: known.agent_id.slice(0, 2),
    description: "fuzzed group",
    manager_config: { manager_type: "round_robin" },
  });
  known.group_id.push(group.id);
  const tools = await readJson(await fx.call("GET", "/v1/tools/"));
  known.tool_id = tools.slice(0, 3).map((t: { id: string }) => t.id);
  // A custom tool, which PATCH and DELETE /v1/tools/{tool_id} may change (built-in ones answer 409).
  const custom = await post("/v1/tools/", {
    source_code:
      'def fuzz_seed(x: int) -> int:\n    """Returns x.\n\n    Args:\n        x: a number\n    """\n    return x\n',
  });
  known.tool_id.unshift(custom.id);
  const dir = mkdtempSync(join(tmpdir(), "lmos-fuzz-"));
  writeFileSync(join(dir, "echo-server.cjs"), MCP_SERVER);
  const mcp = await post("/v1/mcp-servers/", {
    server_name: "fuzz-echo",
    config: { mcp_server_type: "stdio", command: process.execPath, args: [join(dir, "echo-server.cjs")] },
  });
  known.mcp_server_id = [mcp.id];
  const mcpTools = await readJson(await fx.call("GET", `/v1/mcp-servers/${mcp.id}/tools`));
  known.tool_id.push(...mcpTools.map((t: { id: string }) => t.id), "echo");
  known.block_label = ["human", "persona", "nope"];
  const exported = Buffer.from(await (await fx.call("GET", `/v1/agents/${known.agent_id[0]}/export`)).text());
  const extras: FuzzExtras = {
    pairs: {
      tool_id: [[custom.id]],
      "agent_id,passage_id": known.agent_id.map((a, i) => [a, known.passage_id[i]]),
      "folder_id,file_id": known.folder_id.map((f, i) => [f, known.file_id[i]]),
      "mcp_server_id,tool_id": [...mcpTools.map((t: { id: string }) => [mcp.id, t.id]), [mcp.id, "echo"]],
    },
    uploads: { "POST /v1/agents/import": [{ filename: "agent.af", data: exported }] },
    bodies: {
      "POST /v1/messages/search": fc.record(
        {
          agent_id: fc.constantFrom(...known.agent_id),
          query: text,
          limit: fc.integer({ min: 1, max: 200 }),
          search_mode: fc.constantFrom("vector", "fts", "hybrid"),
        },
        { requiredKeys: ["agent_id", "query"] },
      ),
    },
  };
  const doc = (await readJson(await fx.call("GET", "/openapi.json"))) as OpenApi;
  const close = fx.close;
  fx.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { fx, doc, known, extras };
}
