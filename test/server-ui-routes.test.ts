// What the web UI needs from the server beyond the Letta paths it already has: the exact request of a step
// (Letta's provider trace), recall search, and the UI's own files at / without the API key.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessageReply } from "./scripted-model.ts";
import { openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let dist: string;
beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "lmos-webdist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(
    join(dist, "index.html"),
    '<!doctype html><script type="module" src="./assets/app-1a2b.js"></script>',
  );
  writeFileSync(join(dist, "assets", "app-1a2b.js"), "console.log('ui')");
  fx = await openServerFixture({ apiKey: "sekret", webDist: dist });
});
afterAll(async () => {
  await fx.close();
  rmSync(dist, { recursive: true, force: true });
});

async function ok(res: Promise<Response>): Promise<any> {
  const r = await res;
  if (r.status !== 200) throw new Error(`${r.status}: ${await r.text()}`);
  return readJson(r);
}

describe("step traces", () => {
  it("gives the exact body each step sent to the model, with the answer and usage", async () => {
    const agent = await ok(fx.call("POST", "/v1/agents/", { name: "traced" }));
    fx.model.requests.length = 0;
    fx.model.push(sendMessageReply("Hello, Ada."));
    await ok(fx.call("POST", `/v1/agents/${agent.id}/messages`, { input: "hi, I am Ada" }));
    const runs = await ok(fx.call("GET", `/v1/runs/?agent_id=${agent.id}`));
    const steps = await ok(fx.call("GET", `/v1/runs/${runs[0].id}/steps`));
    expect(steps).toHaveLength(1);
    const trace = await ok(fx.call("GET", `/v1/steps/${steps[0].id}/trace`));
    expect(trace).toMatchObject({ step_id: steps[0].id, run_id: runs[0].id, agent_id: agent.id });
    // What the model server received, byte for byte once parsed.
    expect(trace.request_json).toEqual(fx.model.requests[0].body);
    expect(trace.request_json.messages[0].content).toContain("<persona>");
    expect(trace.response_json.tool_calls[0]).toMatchObject({ name: "send_message" });
    expect(trace.response_json.usage.total_tokens).toBe(steps[0].total_tokens);
  });

  it("answers null for a step it does not keep", async () => {
    expect(await ok(fx.call("GET", "/v1/steps/step-unknown/trace"))).toBeNull();
  });
});

describe("recall search", () => {
  it("finds what the user and the agent said, and needs an agent", async () => {
    const agent = await ok(fx.call("POST", "/v1/agents/", { name: "recaller" }));
    fx.model.push(sendMessageReply("Noted: the locker code is 4711."));
    await ok(fx.call("POST", `/v1/agents/${agent.id}/messages`, { input: "My locker code is 4711." }));
    fx.model.push(sendMessageReply("Sunny today."));
    await ok(fx.call("POST", `/v1/agents/${agent.id}/messages`, { input: "How is the weather?" }));
    const hits = await ok(
      fx.call("POST", "/v1/messages/search", { query: "locker code", agent_id: agent.id }),
    );
    const texts = hits.map((h: { content: string }) => h.content);
    expect(texts).toEqual(
      expect.arrayContaining(["My locker code is 4711.", "Noted: the locker code is 4711."]),
    );
    expect(texts).not.toContain("How is the weather?");
    expect(hits[0]).toMatchObject({ agent_id: agent.id, message_id: expect.any(String) });
    const users = await ok(
      fx.call("POST", "/v1/messages/search", { query: "locker", agent_id: agent.id, roles: ["user"] }),
    );
    expect(users.map((h: { message_type: string }) => h.message_type)).toEqual(["user_message"]);
    const missing = await fx.call("POST", "/v1/messages/search", { query: "locker" });
    expect(missing.status).toBe(422);
    expect((await readJson(missing)).message).toContain("agent_id");
  });
});

describe("web UI files", () => {
  it("serves the page and its assets without the key, the API still with it", async () => {
    const page = await fetch(`${fx.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(await page.text()).toContain("app-1a2b.js");
    const asset = await fetch(`${fx.url}/assets/app-1a2b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${fx.url}/v1/agents/`)).status).toBe(401);
    expect((await fetch(`${fx.url}/openapi.json`)).status).toBe(401);
    expect((await fetch(`${fx.url}/mcp`, { method: "POST" })).status).toBe(401);
    const unknown = await fetch(`${fx.url}/assets/../../etc/passwd`);
    expect(unknown.status).toBe(404);
    expect((await fetch(`${fx.url}/nothing-here`)).status).toBe(404);
  });

  it("says how to build the UI when it is not built", async () => {
    const empty = await openServerFixture({ webDist: join(dist, "missing") });
    try {
      const page = await fetch(`${empty.url}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain("npm run build:web");
    } finally {
      await empty.close();
    }
  });
});
