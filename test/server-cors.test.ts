// CORS for browser clients (a web UI on another origin): off by default; when origins are configured, a
// preflight is answered without the API key and real responses carry the allow-origin header. And the
// security headers every answer carries: API data never sniffed, framed, cached or run as a page.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessageReply } from "./scripted-model.ts";
import { openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";

let open: ServerFixture;
let closed: ServerFixture;
beforeAll(async () => {
  open = await openServerFixture({ apiKey: "sekret", corsOrigins: ["http://localhost:5173"] });
  closed = await openServerFixture({ apiKey: "sekret" });
});
afterAll(async () => {
  await open.close();
  await closed.close();
});

const preflight = (url: string, origin: string) =>
  fetch(`${url}/v1/agents/`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type,x-stainless-lang",
    },
  });

describe("CORS", () => {
  it("answers a preflight from an allowed origin without the key, and marks real responses", async () => {
    const res = await preflight(open.url, "http://localhost:5173");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const list = await open.call("GET", "/v1/agents/", undefined, { origin: "http://localhost:5173" });
    expect(list.status).toBe(200);
    expect(list.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const denied = await open.call("GET", "/v1/agents/", undefined, { origin: "http://evil.example" });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    // the key is still required for the request itself
    const noKey = await fetch(`${open.url}/v1/agents/`, { headers: { origin: "http://localhost:5173" } });
    expect(noKey.status).toBe(401);
  });

  it("sends no CORS headers when no origin is configured", async () => {
    const res = await preflight(closed.url, "http://localhost:5173");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const list = await closed.call("GET", "/v1/agents/", undefined, { origin: "http://localhost:5173" });
    expect(list.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("security headers", () => {
  let dist = "";
  let ui: ServerFixture;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), "lmos-webdist-"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>lmos</title>");
    ui = await openServerFixture({ apiKey: "sekret", webDist: dist });
  });
  afterAll(async () => {
    await ui.close();
    rmSync(dist, { recursive: true, force: true });
  });

  const common = (res: Response) => {
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  };
  const api = (res: Response) => {
    common(res);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("cache-control")).toBe("no-store");
  };

  it("on API answers, errors, 401s, preflights and event streams", async () => {
    const agent = await ui.call("POST", "/v1/agents/", { name: "headers" });
    api(agent);
    const { id } = await readJson(agent);
    api(await ui.call("GET", "/v1/agents/agent-00000000-0000-4000-8000-000000000000"));
    api(await ui.call("POST", "/v1/agents/", "{not json"));
    api(await fetch(`${ui.url}/v1/agents/`)); // 401, no key
    api(await fetch(`${ui.url}/v1/health/`));
    api(await preflight(open.url, "http://localhost:5173"));
    ui.model.push(sendMessageReply("streamed"));
    const stream = await ui.call("POST", `/v1/agents/${id}/messages/stream`, { input: "hi" });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    api(stream);
    expect(await stream.text()).toContain("streamed");
  });

  it("on the web UI: its own files only, never framed", async () => {
    const page = await fetch(`${ui.url}/`);
    expect(page.status).toBe(200);
    common(page);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("cache-control")).toBe("no-cache");
  });
});
