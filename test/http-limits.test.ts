// What one client may ask of the server, configured small here: request rate (429 with Retry-After, health
// exempt), body size (413), JSON depth (400), header size (431), and slow or idle connections, which are
// cut off while every other client keeps being served. Every refusal is JSON with a code and names the
// limit's variable.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let port: number;
beforeAll(async () => {
  fx = await openServerFixture({
    env: { LMOS_MODEL: "openai/gpt-4o-mini", LMOS_EMBEDDING: "none" },
    limits: {
      ratePerSecond: 20,
      maxBodyBytes: 4096,
      maxJsonDepth: 8,
      headersTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    },
  });
  port = Number(new URL(fx.url).port);
});
afterAll(async () => fx?.close());

/** A raw TCP connection to the server; resolves with everything it received once the server closes it. */
function rawSocket(): { socket: Socket; received: Promise<string> } {
  const socket = connect(port, "127.0.0.1");
  let data = "";
  socket.on("data", (d) => {
    data += d.toString();
  });
  const received = new Promise<string>((resolve) => {
    socket.on("close", () => resolve(data));
    socket.on("error", () => resolve(data));
  });
  return { socket, received };
}

function jsonOf(raw: string): any {
  return JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));
}

describe("size limits", () => {
  it("413 over LMOS_MAX_BODY_BYTES, naming it", async () => {
    const res = await fx.call("POST", "/v1/blocks/", { label: "big", value: "x".repeat(5000) });
    expect(res.status).toBe(413);
    expect(await readJson(res)).toMatchObject({
      code: "payload_too_large",
      message: expect.stringContaining("limit is 4 KiB (4096 bytes, set by LMOS_MAX_BODY_BYTES)"),
    });
  });

  it("a refused body sent slowly still gets its 413, after the body, on a socket that stays usable", async () => {
    // fetch and most clients send the whole body before they read the answer: cut off early, they would
    // see a reset instead of the 413.
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => {
      data += d.toString();
    });
    let reset = false;
    socket.on("error", () => {
      reset = true;
    });
    const chunk = `"${"x".repeat(2000)}",`;
    const parts = 20;
    const body = `[${chunk.repeat(parts)}"end"]`;
    socket.write(
      `POST /v1/blocks/ HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n[`,
    );
    // Trickled over about 1.2 s, longer than the 500 ms @hono/node-server waits before cutting a socket.
    for (let i = 0; i < parts; i++) {
      await new Promise((r) => setTimeout(r, 60));
      socket.write(chunk);
    }
    socket.write(`"end"]`);
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 500 && !ok() && !reset; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await until(() => data.includes("payload_too_large"));
    expect(data).toMatch(/^HTTP\/1\.1 413/);
    socket.write("GET /v1/health/ HTTP/1.1\r\nhost: localhost\r\n\r\n");
    await until(() => /HTTP\/1\.1 200/.test(data));
    expect(reset).toBe(false);
    expect(data).toMatch(/HTTP\/1\.1 200/);
    socket.destroy();
  });

  it("400 for JSON nested deeper than LMOS_MAX_JSON_DEPTH, before it is parsed", async () => {
    const res = await fx.call(
      "POST",
      "/v1/blocks/",
      `{"label":"l","value":"v","metadata":${"[".repeat(20)}${"]".repeat(20)}}`,
    );
    expect(res.status).toBe(400);
    expect(await readJson(res)).toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("LMOS_MAX_JSON_DEPTH"),
    });
    // brackets inside strings do not count
    const ok = await fx.call("POST", "/v1/blocks/", { label: "brackets", value: "[[[[[[[[[[[[[[[[[[[[" });
    expect(ok.status).toBe(200);
  });

  it("431 as JSON for headers over Node's limit, and malformed HTTP gets a JSON 400", async () => {
    const big = rawSocket();
    big.socket.write(`GET /v1/health/ HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    const raw = await big.received;
    expect(raw).toMatch(/^HTTP\/1\.1 431/);
    expect(jsonOf(raw)).toMatchObject({ code: "headers_too_large" });
    const bad = rawSocket();
    bad.socket.write("NOT HTTP AT ALL\r\n\r\n");
    const rawBad = await bad.received;
    expect(rawBad).toMatch(/^HTTP\/1\.1 400/);
    expect(jsonOf(rawBad)).toMatchObject({ code: "bad_request" });
  });
});

describe("rate limit", () => {
  // A server of its own: the other tests' requests come from the same address and would spend its bucket.
  let rl: ServerFixture;
  beforeAll(async () => {
    rl = await openServerFixture({
      env: { LMOS_MODEL: "openai/gpt-4o-mini", LMOS_EMBEDDING: "none" },
      limits: { ratePerSecond: 20 },
    });
  });
  afterAll(async () => rl?.close());

  it("429 with Retry-After past LMOS_RATE_LIMIT per client; health is never limited", async () => {
    // 100 at once: more than the 2 s burst (40) a client may send before the per-second rate applies.
    const answers = await Promise.all(Array.from({ length: 100 }, () => rl.call("GET", "/v1/agents/")));
    const statuses = answers.map((r) => r.status);
    const limited = answers.find((r) => r.status === 429);
    for (const r of answers) if (r !== limited) await r.body?.cancel();
    expect(limited, `statuses: ${statuses.join(",")}`).toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(40);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await readJson(limited as Response)).toMatchObject({
      code: "rate_limited",
      message: expect.stringContaining("20 per second (set by LMOS_RATE_LIMIT)"),
    });
    for (let i = 0; i < 30; i++) expect((await rl.call("GET", "/v1/health/")).status).toBe(200);
  });
});

describe("slow and idle connections", () => {
  it("slow-loris and idle sockets are cut off (408, JSON) while other clients are served", async () => {
    await new Promise((r) => setTimeout(r, 1500)); // let the rate limit's bucket refill
    const slow = Array.from({ length: 50 }, () => rawSocket());
    const idle = Array.from({ length: 200 }, () => rawSocket());
    // Each slow client trickles its request line, a byte every 100 ms, and never finishes it.
    const line = "GET /v1/health/ HTTP/1.1\r\nhost: localhost\r\nx-slow: ";
    let at = 0;
    const drip = setInterval(() => {
      for (const s of slow) if (!s.socket.destroyed) s.socket.write(line[at % line.length]);
      at++;
    }, 100);
    try {
      // Meanwhile another client is answered, again and again.
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${fx.url}/v1/health/`, { signal: AbortSignal.timeout(10_000) });
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 100));
      }
      const slowAnswers = await Promise.all(slow.map((s) => s.received));
      for (const raw of slowAnswers) {
        expect(raw).toMatch(/^HTTP\/1\.1 408/);
        expect(jsonOf(raw)).toMatchObject({ code: "request_timeout" });
      }
      await Promise.all(idle.map((s) => s.received)); // closed by the server, not by the test
    } finally {
      clearInterval(drip);
      for (const s of [...slow, ...idle]) s.socket.destroy();
    }
    expect((await fx.call("GET", "/v1/health/")).status).toBe(200);
  }, 60_000);
});

describe("kept-alive sockets", () => {
  let ka: ServerFixture;
  beforeAll(async () => {
    ka = await openServerFixture({
      env: { LMOS_MODEL: "openai/gpt-4o-mini", LMOS_EMBEDDING: "none" },
      limits: { keepAliveTimeoutMs: 200 },
    });
  });
  afterAll(async () => ka?.close());

  it("a request that arrived while the event loop was busy past the keep-alive timeout is answered, not reset", async () => {
    const socket = connect(Number(new URL(ka.url).port), "127.0.0.1");
    let data = "";
    let closed = false;
    socket.on("data", (d) => {
      data += d.toString();
    });
    const gone = new Promise<void>((resolve) => {
      socket.on("close", () => {
        closed = true;
        resolve();
      });
      socket.on("error", () => {});
    });
    const answers = () => data.split("HTTP/1.1 200").length - 1;
    const until = async (ok: () => boolean) => {
      while (!ok() && !closed) await new Promise((r) => setTimeout(r, 10));
    };
    const request = "GET /v1/health/ HTTP/1.1\r\nhost: localhost\r\n\r\n";
    socket.write(request);
    await until(() => answers() === 1 && data.endsWith("}"));
    // The loop busy (a big body parsed, a loaded machine) past the timeout and Node's 1 s margin, while the
    // client reuses its socket: the next request is in the socket's buffer when the idle timer fires.
    const busyUntil = Date.now() + 1400;
    while (Date.now() < busyUntil) {}
    socket.write(request);
    await until(() => answers() === 2 && data.endsWith("}"));
    expect(closed).toBe(false);
    expect(answers()).toBe(2);
    // Idle afterwards, the socket is still closed by the server.
    await gone;
    expect(answers()).toBe(2);
  }, 30_000);
});
