// nodeFetch against a real node:http server: bodies, encodings, streams, aborts, and a kept-alive socket
// the server resets.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeFetch } from "./node-fetch.ts";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/gzip") {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(gzipSync(JSON.stringify({ ok: true })));
      } else if (req.url === "/echo") {
        res.writeHead(201, { "content-type": "application/json", "x-seen": req.headers["x-test"] ?? "" });
        res.end(JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString() }));
      } else if (req.url === "/sse") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n");
        setTimeout(() => res.end("data: two\n\n"), 20);
      } else if (req.url === "/reset-reused") {
        // A provider that closed this kept-alive socket: a request on a reused socket gets a reset.
        const served = (req.socket as { served?: number }).served ?? 0;
        (req.socket as { served?: number }).served = served + 1;
        if (served > 0) req.socket.resetAndDestroy();
        else res.end("fresh");
      } else if (req.url === "/reset-always") {
        req.socket.resetAndDestroy();
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 5_000).unref();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("nodeFetch", () => {
  it("sends method, headers and body, and returns status, headers and JSON", async () => {
    const res = await nodeFetch(`${base}/echo`, {
      method: "POST",
      headers: { "x-test": "yes", "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-seen")).toBe("yes");
    expect(await res.json()).toEqual({ method: "POST", body: '{"a":1}' });
  });

  it("decodes a gzip body", async () => {
    expect(await (await nodeFetch(`${base}/gzip`)).json()).toEqual({ ok: true });
  });

  it("streams an event stream as it arrives", async () => {
    const res = await nodeFetch(`${base}/sse`);
    expect(await res.text()).toBe("data: one\n\ndata: two\n\n");
  });

  it("rejects with an AbortError when the signal fires", async () => {
    const controller = new AbortController();
    const pending = nodeFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("sends again on another socket when a reused keep-alive socket is reset before any answer", async () => {
    expect(await (await nodeFetch(`${base}/reset-reused`, { method: "POST", body: "1" })).text()).toBe(
      "fresh",
    );
    // The pool now holds that socket; the server resets it on reuse, and the request goes out again.
    const again = await nodeFetch(`${base}/reset-reused`, { method: "POST", body: "2" });
    expect(await again.text()).toBe("fresh");
  });

  it("does not resend when a fresh connection is reset (that is the provider's answer)", async () => {
    const fresh = new Promise<void>((r) => server.once("connection", () => r()));
    server.closeIdleConnections(); // no pooled socket left: the next request opens a new one
    await expect(nodeFetch(`${base}/reset-always`, { method: "POST", body: "x" })).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    await fresh;
  });
});
