// The HTTP fuzz's server side: a server fixture with seeded resources (so path ids can be real), raw
// requests over node:http (fetch would refuse or normalise the odd ones), and the property every answer
// must have: a status below 500 and, for an error, a JSON body with a code.
import { request } from "node:http";
import { openServerFixture, readJson, type ServerFixture } from "../server-fixture.ts";
import { echoReply } from "../scripted-model-server.ts";
import type { FuzzRequest, KnownIds, OpenApi } from "./requests.ts";

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
}

/** Starts a server with a few agents, blocks, tools, folders, files, passages, runs and a group to aim at. */
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
  known.block_label = ["human", "persona", "nope"];
  const doc = (await readJson(await fx.call("GET", "/openapi.json"))) as OpenApi;
  return { fx, doc, known };
}
