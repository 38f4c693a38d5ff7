// Projects kept apart, over HTTP against a real server and the scripted model: two projects, each with a
// full key, and a read key of the first. For EVERY route of /openapi.json, project B's key with A's ids
// (in the path, one parameter at a time among B's own ids, and in the body) reads nothing of A (404/4xx,
// no A id or text in any answer) and changes nothing (A's state read back through A's key, byte for byte);
// A's read key gets 403 on every write and its reads work. Plus the keys themselves: unknown and revoked
// keys get 401, and LMOS_API_KEY stays the default project's key.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintApiKey } from "../src/server/index.ts";
import { nowIso } from "../src/store/index.ts";
import { echoReply } from "./scripted-model-server.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";
import type { OpenApi } from "./fuzz/requests.ts";
import { bodyFor, fillPath, type Ids, routesOf } from "./tenancy/requests.ts";

const require = createRequire(import.meta.url);
const MCP_SERVER = `
const { McpServer } = require(${JSON.stringify(require.resolve("@modelcontextprotocol/sdk/server/mcp.js"))});
const { StdioServerTransport } = require(${JSON.stringify(require.resolve("@modelcontextprotocol/sdk/server/stdio.js"))});
const { z } = require(${JSON.stringify(require.resolve("zod"))});
const server = new McpServer({ name: "calc", version: "1.0.0" });
server.registerTool("add", { description: "Adds.", inputSchema: { a: z.number(), b: z.number() } },
  async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }));
server.connect(new StdioServerTransport());
`;
const LMOS_API_KEY = "the-operators-key";

let fx: ServerFixture;
let dir: string;
const secret = { a: "", aRead: "", b: "", revoked: "" };
let idsA: Ids;
let idsB: Ids;

function call(key: string, method: string, path: string, body?: unknown, raw?: FormData) {
  return fetch(fx.url + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}

async function ok(key: string, method: string, path: string, body?: unknown, raw?: FormData) {
  const res = await call(key, method, path, body, raw);
  const json = await readJson(res);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Builds one of each resource in a project, through its key; returns their ids by path parameter. */
async function populate(key: string, tag: string): Promise<Ids> {
  const agent = await ok(key, "POST", "/v1/agents/", {
    name: `${tag}-agent`,
    tags: [tag],
    memory_blocks: [{ label: "human", value: `${tag} secret human` }],
  });
  const peer = await ok(key, "POST", "/v1/agents/", { name: `${tag}-peer`, tags: [tag] });
  const block = await ok(key, "POST", "/v1/blocks/", { label: `${tag}-notes`, value: `${tag} block` });
  const tool = await ok(key, "POST", "/v1/tools/", {
    source_code: `def ${tag}_tool(x: str) -> str:\n    """Echoes.\n\n    Args:\n        x: text\n    """\n    return x\n`,
  });
  const folder = await ok(key, "POST", "/v1/folders/", { name: `${tag}-folder` });
  const form = new FormData();
  form.append("file", new Blob([`${tag} file text\n`]), `${tag}.txt`);
  const file = await ok(key, "POST", `/v1/folders/${folder.id}/upload`, undefined, form);
  const group = await ok(key, "POST", "/v1/groups/", {
    agent_ids: [agent.id, peer.id],
    description: `${tag} group`,
    manager_config: { manager_type: "round_robin" },
  });
  const sent = await ok(key, "POST", `/v1/agents/${agent.id}/messages`, { input: `${tag} hello` });
  const runId = sent.usage.run_ids[0] as string;
  const steps = await ok(key, "GET", `/v1/runs/${runId}/steps`);
  const passage = await ok(key, "POST", `/v1/agents/${agent.id}/archival-memory`, { text: `${tag} fact` });
  const schedule = await ok(key, "POST", `/v1/agents/${agent.id}/schedule`, {
    messages: [{ role: "user", content: `${tag} later` }],
    schedule: { type: "one-time", scheduled_at: Date.parse("2099-01-01T00:00:00Z") },
  });
  const ids: Ids = {
    agent_id: agent.id,
    block_id: block.id,
    tool_id: tool.id,
    tool_name: tool.name,
    folder_id: folder.id,
    file_id: file.id,
    group_id: group.id,
    run_id: runId,
    step_id: steps[0]?.id,
    passage_id: (Array.isArray(passage) ? passage[0] : passage).id,
    scheduled_message_id: schedule.id,
    block_label: "human",
    message_id: sent.messages[0].id,
  };
  if (tag === "alpha") {
    const mcp = await ok(key, "POST", "/v1/mcp-servers/", {
      server_name: `${tag}-calc`,
      config: { mcp_server_type: "stdio", command: process.execPath, args: [join(dir, "calc.cjs")] },
    });
    ids.mcp_server_id = mcp.id;
  }
  return ids;
}

/** What project A has, read through A's key: every list and every resource. */
async function snapshotA(): Promise<string> {
  const a = idsA;
  const paths = [
    "/v1/agents/?limit=1000",
    `/v1/agents/${a.agent_id}`,
    `/v1/agents/${a.agent_id}/core-memory/blocks`,
    `/v1/agents/${a.agent_id}/tools`,
    `/v1/agents/${a.agent_id}/folders`,
    `/v1/agents/${a.agent_id}/messages?limit=1000`,
    `/v1/agents/${a.agent_id}/archival-memory?limit=1000`,
    `/v1/agents/${a.agent_id}/schedule`,
    "/v1/blocks/?limit=1000",
    `/v1/blocks/${a.block_id}/agents`,
    "/v1/tools/?limit=1000",
    `/v1/tools/${a.tool_id}`,
    "/v1/folders/",
    `/v1/folders/${a.folder_id}/files`,
    `/v1/folders/${a.folder_id}/agents`,
    "/v1/groups/",
    `/v1/groups/${a.group_id}`,
    "/v1/mcp-servers/",
    `/v1/mcp-servers/${a.mcp_server_id}/tools`,
    "/v1/runs/?limit=1000",
    `/v1/runs/${a.run_id}/messages`,
  ];
  const out: string[] = [];
  for (const p of paths) {
    const res = await call(secret.a, "GET", p);
    out.push(`${p} ${res.status} ${await res.text()}`);
  }
  return out.join("\n");
}

/** A's ids and texts that must never show in an answer to B. */
function secretsOfA(): string[] {
  return [
    ...Object.entries(idsA)
      .filter(([k]) => k !== "block_label")
      .map(([, v]) => v),
    "alpha secret human",
    "alpha block",
    "alpha file text",
    "alpha fact",
  ];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lmos-tenancy-"));
  writeFileSync(join(dir, "calc.cjs"), MCP_SERVER);
  fx = await openServerFixture({
    apiKey: LMOS_API_KEY,
    fallback: (req) => echoReply(req, "send_message"),
    env: { LMOS_MODEL: "openai/gpt-4o-mini", LMOS_EMBEDDING: "none" },
  });
  const make = async (project: string, scope: "read" | "full") => {
    const { record, secret: s } = mintApiKey({ project, scope });
    await fx.os.store.createApiKey(record);
    return { s, id: record.id };
  };
  secret.a = (await make("alpha", "full")).s;
  secret.aRead = (await make("alpha", "read")).s;
  secret.b = (await make("beta", "full")).s;
  const revoked = await make("beta", "full");
  await fx.os.store.revokeApiKey(revoked.id, nowIso());
  secret.revoked = revoked.s;
  idsA = await populate(secret.a, "alpha");
  idsB = await populate(secret.b, "beta");
}, 120_000);

afterAll(async () => {
  await fx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("API keys", () => {
  it("answers 401 to no key, an unknown key and a revoked key; LMOS_API_KEY is the default project", async () => {
    expect((await fetch(`${fx.url}/v1/agents/`)).status).toBe(401);
    expect((await call("lmos_sk_nope", "GET", "/v1/agents/")).status).toBe(401);
    const revoked = await call(secret.revoked, "GET", "/v1/agents/");
    expect(revoked.status).toBe(401);
    expect((await readJson(revoked)).code).toBe("unauthorized");
    expect((await fetch(`${fx.url}/v1/health/`)).status).toBe(200);
    // The operator's key sees the default project: neither alpha's nor beta's agents.
    expect(await ok(LMOS_API_KEY, "GET", "/v1/agents/")).toEqual([]);
    const own = await ok(LMOS_API_KEY, "POST", "/v1/agents/", { name: "operator-agent" });
    expect(own.project_id).toBe("default");
    const alpha = await ok(secret.a, "GET", "/v1/agents/");
    expect(alpha.map((a: { name: string }) => a.name).sort()).toEqual(["alpha-agent", "alpha-peer"]);
    expect(alpha.every((a: { project_id: string }) => a.project_id === "alpha")).toBe(true);
    // The MCP endpoint acts on the default project: a project key may not use it.
    expect((await call(secret.a, "POST", "/mcp", { jsonrpc: "2.0", id: 1, method: "ping" })).status).toBe(
      403,
    );
    const keys = await fx.os.store.listApiKeys();
    expect(keys.find((k) => k.project === "alpha" && k.scope === "full")?.lastUsedAt).not.toBeNull();
    expect(keys.every((k) => !JSON.stringify(k).includes(secret.a))).toBe(true);
  });
});

describe("every route of /openapi.json", () => {
  it("with project B's key and A's ids reads nothing of A and changes nothing", async () => {
    const doc = (await ok(secret.b, "GET", "/openapi.json")) as OpenApi;
    const routes = routesOf(doc).filter((r) => r.path !== "/v1/health/");
    expect(routes.length).toBeGreaterThan(60);
    const before = await snapshotA();
    const leaks = secretsOfA();
    const seen: string[] = [];
    const statuses = new Map<number, number>();
    // Deletes last, so they do not take B's own resources away from the other routes' probes.
    const ordered = [
      ...routes.filter((r) => r.method !== "DELETE"),
      ...routes.filter((r) => r.method === "DELETE"),
    ];
    for (const route of ordered) {
      for (const p of route.params) {
        if (!(p in idsA))
          throw new Error(`${route.method} ${route.path}: no id of A for {${p}}: add one to populate()`);
      }
      // Path: all of A's ids; then each parameter alone A's, the others B's own. Body: ids of A.
      const variants: Array<[string, Ids]> = [];
      if (route.params.length) {
        variants.push([fillPath(route, (n) => idsA[n]), idsA]);
        if (route.params.length > 1) {
          for (const p of route.params)
            variants.push([fillPath(route, (n) => (n === p ? idsA : idsB)[n]), idsB]);
        }
      }
      // B's own path ids (or none) with A's ids in the body.
      if (route.body || !route.params.length) variants.push([fillPath(route, (n) => idsB[n]), idsA]);
      for (const [path, bodyIds] of variants) {
        const body = route.body ? bodyFor(route.body, bodyIds) : undefined;
        const raw = route.multipart ? new FormData() : undefined;
        const res = await call(secret.b, route.method, path, route.multipart ? undefined : body, raw);
        const text = await res.text();
        const what = `${route.method} ${path} ${JSON.stringify(body ?? null).slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 300) seen.push(`${route.method} ${route.path} → ${res.status}`);
        expect(res.status, what).toBeLessThan(500);
        const pathNamesA = route.params.some(
          (p) => idsA[p] !== idsB[p] && path.includes(encodeURIComponent(idsA[p])),
        );
        if (pathNamesA) expect([404, 422, 400], what).toContain(res.status);
        const bodyNamesA = JSON.stringify(body ?? "").includes(idsA.agent_id);
        if (bodyNamesA && res.status < 300) {
          // Accepted only when the field naming A was not one the route reads: the answer holds none of A.
          expect(route.method, what).not.toBe("DELETE");
        }
        // An error may repeat the id it was asked about; nothing else of A may show.
        const asked = path + JSON.stringify(body ?? "");
        for (const s of leaks.filter((x) => !asked.includes(x))) {
          expect(text.includes(s), `${what} shows ${s}`).toBe(false);
        }
      }
    }
    expect(await snapshotA(), "A's state after B's requests").toBe(before);
    // At least one 404 for every route whose path takes an id: the guard answered them, not chance.
    expect(statuses.get(404) ?? 0).toBeGreaterThan(routes.filter((r) => r.params.length).length);
    console.log(
      `isolation: ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries(statuses))}; accepted:\n${seen.join("\n")}`,
    );
  }, 300_000);

  it("with A's read key: every write is 403, every read answers, and nothing changes", async () => {
    const doc = (await ok(secret.aRead, "GET", "/openapi.json")) as OpenApi;
    const before = await snapshotA();
    let reads = 0;
    for (const route of routesOf(doc).filter((r) => r.path !== "/v1/health/")) {
      const path = fillPath(route, (n) => idsA[n]);
      const body = route.body ? bodyFor(route.body, idsA) : undefined;
      const res = await call(
        secret.aRead,
        route.method,
        path,
        route.multipart ? undefined : body,
        route.multipart ? new FormData() : undefined,
      );
      const text = await res.text();
      const what = `${route.method} ${path} → ${res.status} ${text.slice(0, 200)}`;
      if (route.method === "GET" || route.readOnly) {
        expect(res.status, what).not.toBe(403);
        expect(res.status, what).toBeLessThan(500);
        reads++;
      } else {
        expect(res.status, what).toBe(403);
        expect(JSON.parse(text).code, what).toBe("forbidden");
      }
    }
    expect(reads).toBeGreaterThan(20);
    expect(await snapshotA()).toBe(before);
  }, 300_000);
});

describe("names of another project's resources", () => {
  it("are answered like unknown names: a tool to attach, an agent in the path, a tool to replace", async () => {
    const before = await snapshotA();
    const byName = await call(secret.b, "POST", "/v1/agents/", { name: "beta-x", tools: [idsA.tool_name] });
    const unknown = await call(secret.b, "POST", "/v1/agents/", { name: "beta-y", tools: ["no_such_tool"] });
    expect(byName.status).toBe(404);
    expect(unknown.status).toBe(404);
    const [a, u] = [await readJson(byName), await readJson(unknown)];
    expect(a.message.replace(idsA.tool_name, "?")).toBe(u.message.replace("no_such_tool", "?"));
    expect((await call(secret.b, "GET", "/v1/agents/alpha-agent")).status).toBe(404);
    // Tool names are unique across projects: replacing A's tool by name is refused, not applied.
    const put = await call(secret.b, "PUT", "/v1/tools/", {
      source_code: `def ${idsA.tool_name}(x: str) -> str:\n    """Steals.\n\n    Args:\n        x: text\n    """\n    return "stolen"\n`,
    });
    expect(put.status).toBe(409);
    expect(await snapshotA()).toBe(before);
  });
});

describe("agent-to-agent tools", () => {
  it("do not reach another project's agents, by id, name or tags", async () => {
    const sender = await ok(secret.a, "POST", "/v1/agents/", {
      name: "alpha-sender",
      tools: ["send_message_to_agent_and_wait_for_reply", "send_message_to_agents_matching_tags"],
    });
    const countB = async () =>
      (await ok(secret.b, "GET", `/v1/agents/${idsB.agent_id}/messages?limit=1000`)).length;
    const before = await countB();
    const results: string[] = [];
    for (const call of [
      toolCallReply("send_message_to_agent_and_wait_for_reply", {
        message: "hi",
        other_agent_id: idsB.agent_id,
      }),
      toolCallReply("send_message_to_agent_and_wait_for_reply", {
        message: "hi",
        other_agent_id: "beta-agent",
      }),
      toolCallReply("send_message_to_agents_matching_tags", {
        message: "hi",
        match_all: ["beta"],
        match_some: [],
      }),
    ]) {
      fx.model.push(
        {
          toolCalls: call.toolCalls?.map((t) => ({
            ...t,
            arguments: { ...(t.arguments as object), request_heartbeat: true },
          })),
        },
        sendMessageReply("done"),
      );
      await ok(secret.a, "POST", `/v1/agents/${sender.id}/messages`, { input: "reach beta" });
      results.push(fx.model.requests.at(-1)?.lastToolResult ?? "");
    }
    expect(results[0]).toContain("there is no agent");
    expect(results[1]).toContain("there is no agent");
    expect(results[2]).not.toContain(idsB.agent_id);
    expect(await countB()).toBe(before);
  }, 120_000);
});
