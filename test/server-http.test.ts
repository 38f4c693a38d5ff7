// The HTTP surface a user notices before any agent runs: auth, error bodies and statuses for bad input,
// trailing slashes, JSON content types, and /openapi.json.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
beforeAll(async () => {
  fx = await openServerFixture({ apiKey: "sekret" });
});
afterAll(async () => {
  await fx.close();
});

async function json(res: Response): Promise<any> {
  expect(res.headers.get("content-type")).toContain("application/json");
  return res.json();
}

describe("auth", () => {
  it("lets /v1/health through without a key", async () => {
    for (const path of ["/v1/health/", "/v1/health"]) {
      const res = await fetch(fx.url + path);
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ status: "ok" });
    }
  });

  it("answers 401 JSON on a missing or wrong key, and 200 with the right one", async () => {
    const missing = await fetch(`${fx.url}/v1/agents/`);
    expect(missing.status).toBe(401);
    expect(await json(missing)).toMatchObject({ code: "unauthorized" });
    const wrong = await fetch(`${fx.url}/v1/agents/`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).detail).toContain("API key");
    const ok = await fx.call("GET", "/v1/agents/");
    expect(ok.status).toBe(200);
    expect(await json(ok)).toEqual([]);
  });

  it("guards /openapi.json too", async () => {
    expect((await fetch(`${fx.url}/openapi.json`)).status).toBe(401);
  });
});

describe("bad input never becomes a 500", () => {
  it("400 on malformed JSON", async () => {
    const res = await fx.call("POST", "/v1/agents/", "{not json");
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body).toMatchObject({ code: "bad_request" });
    expect(body.message).toBe(body.detail);
  });

  it("422 on wrong types, naming the field", async () => {
    const res = await fx.call("POST", "/v1/agents/", { name: 42 });
    expect(res.status).toBe(422);
    expect((await json(res)).detail).toContain("body.name");
    const q = await fx.call("GET", "/v1/agents/?limit=abc");
    expect(q.status).toBe(422);
    expect((await json(q)).detail).toContain("query.limit");
  });

  it("422 on a send without messages/input, with both, or stream_tokens without streaming", async () => {
    const agent = await json(await fx.call("POST", "/v1/agents/", { name: "v422" }));
    const path = `/v1/agents/${agent.id}/messages`;
    for (const body of [
      {},
      { input: "a", messages: [{ role: "user", content: "b" }] },
      { input: "hi", stream_tokens: true },
      { messages: [] },
      { messages: [{ role: "robot", content: "x" }] },
    ]) {
      const res = await fx.call("POST", path, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(await json(res)).toMatchObject({ code: "invalid_argument" });
    }
    expect(fx.model.chatRequests()).toHaveLength(0);
  });

  it("404 on unknown ids and unknown routes", async () => {
    for (const [method, path] of [
      ["GET", "/v1/agents/agent-00000000-0000-0000-0000-000000000000"],
      ["GET", "/v1/blocks/block-nope"],
      ["GET", "/v1/tools/tool-nope"],
      ["GET", "/v1/nothing-here"],
    ]) {
      const res = await fx.call(method, path);
      expect(res.status, path).toBe(404);
      expect(await json(res)).toMatchObject({ code: "not_found" });
    }
  });

  it("409 with x-should-retry: false on a duplicate agent name", async () => {
    expect((await fx.call("POST", "/v1/agents/", { name: "twin" })).status).toBe(200);
    const res = await fx.call("POST", "/v1/agents/", { name: "twin" });
    expect(res.status).toBe(409);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(await json(res)).toMatchObject({ code: "conflict" });
  });

  it("413 on a JSON body over 10 MB", async () => {
    const res = await fx.call("POST", "/v1/blocks/", { label: "big", value: "x".repeat(11 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await json(res)).toMatchObject({ code: "payload_too_large" });
  });

  it("413 on a streamed (chunked) body over 10 MB, and the server keeps serving", async () => {
    const chunk = new TextEncoder().encode(`"${"x".repeat(1024 * 1024)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 12) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${fx.url}/v1/blocks/`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${fx.apiKey}` },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await json(res)).toMatchObject({ code: "payload_too_large" });
    expect((await fx.call("GET", "/v1/health")).status).toBe(200);
  });
});

describe("odd input across routes", () => {
  it("answers 4xx, never 5xx", async () => {
    const agent = await json(await fx.call("POST", "/v1/agents/", { name: "odd" }));
    const a = `/v1/agents/${agent.id}`;
    const cases: Array<[string, string, unknown?]> = [
      ["GET", "/v1/agents/?after=agent-bogus"],
      ["GET", "/v1/agents/?before=agent-bogus&limit=1"],
      ["GET", "/v1/agents/?order=sideways"],
      ["GET", "/v1/agents/?limit=0"],
      ["GET", `${a}/messages?after=message-bogus`],
      ["GET", `${a}/messages?limit=-1`],
      ["GET", `${a}/archival-memory?after=passage-bogus`],
      ["GET", `${a}/archival-memory?ascending=maybe`],
      ["GET", `${a}/archival-memory/search?query=`],
      ["GET", "/v1/blocks/?after=block-bogus"],
      ["POST", "/v1/agents/", { model: "no-slash" }],
      ["POST", "/v1/agents/", { embedding: 3 }],
      ["POST", "/v1/agents/", { memory_blocks: [{ label: "bad label!", value: "x" }] }],
      ["POST", "/v1/agents/", { memory_blocks: [{ label: "persona" }] }],
      ["POST", "/v1/agents/", { tools: ["no_such_tool"] }],
      ["POST", "/v1/agents/", []],
      ["POST", "/v1/agents/", "null"],
      ["PATCH", `${a}/core-memory/blocks/persona`, { value: 5 }],
      ["PATCH", `${a}/core-memory/blocks/persona`, { value: "x".repeat(200_000) }],
      ["PATCH", `${a}/core-memory/blocks/attach/block-bogus`],
      ["PATCH", `${a}/tools/attach/tool-bogus`],
      ["PATCH", `${a}/folders/attach/source-bogus`],
      ["POST", `${a}/archival-memory`, { text: "" }],
      ["DELETE", `${a}/archival-memory/passage-bogus`],
      ["POST", `${a}/messages`, { input: [{ type: "image", source: { type: "url", url: "x" } }] }],
      ["POST", `${a}/messages`, { messages: [{ type: "approval", approve: true }] }],
      ["POST", `${a}/messages`, { input: "hi", max_steps: 0 }],
      ["POST", "/v1/tools/", { source_code: "not python at all" }],
      ["POST", "/v1/tools/", { source_code: 5 }],
      ["POST", "/v1/folders/", {}],
      ["GET", "/v1/folders/source-bogus/files"],
      ["DELETE", "/v1/folders/source-bogus/file-bogus"],
    ];
    for (const [method, path, body] of cases) {
      const res = await fx.call(method, path, body);
      const text = await res.text();
      expect(res.status, `${method} ${path} ${JSON.stringify(body)} → ${text}`).toBeLessThan(500);
      if (res.status >= 400) expect(JSON.parse(text)).toMatchObject({ code: expect.any(String) });
    }
  });
});

describe("paths and documents", () => {
  it("accepts paths with and without a trailing slash", async () => {
    expect((await fx.call("GET", "/v1/agents")).status).toBe(200);
    expect((await fx.call("GET", "/v1/models/")).status).toBe(200);
    expect((await fx.call("GET", "/v1/models")).status).toBe(200);
    expect((await fx.call("GET", "/v1/models/embedding")).status).toBe(200);
  });

  it("lists configured models in Letta's shape", async () => {
    const models = await json(await fx.call("GET", "/v1/models/"));
    expect(models.length).toBeGreaterThan(0);
    expect(models[0]).toMatchObject({
      model_endpoint_type: expect.any(String),
      context_window: expect.any(Number),
    });
  });

  it("serves /openapi.json generated from the route schemas", async () => {
    const doc = await json(await fx.call("GET", "/openapi.json"));
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      "/v1/agents/",
      "/v1/agents/{agent_id}",
      "/v1/agents/{agent_id}/messages",
      "/v1/agents/{agent_id}/messages/stream",
      "/v1/agents/{agent_id}/core-memory/blocks/{block_label}",
      "/v1/agents/{agent_id}/archival-memory/search",
      "/v1/tools/",
      "/v1/folders/{folder_id}/upload",
      "/v1/health/",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const create = doc.paths["/v1/agents/"].post;
    expect(create.requestBody.content["application/json"].schema.properties.memory_blocks).toBeDefined();
    const list = doc.paths["/v1/agents/"].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(["limit", "after", "before", "tags", "name"]));
  });
});
