// CORS for browser clients (a web UI on another origin): off by default; when origins are configured, a
// preflight is answered without the API key and real responses carry the allow-origin header.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

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
