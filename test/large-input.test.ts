// One request never stalls the server. A user message of 5 MB that is one unbroken word used to stop
// `lmos serve` for minutes (byte-pair encoding is quadratic in one word's length, and it ran on the main
// thread, the stored message hanging every later send too). Here big sends — one word and words, 5 MB
// and 50 MB, to an agent whose window they cannot fit and to one whose window they do — are in flight
// while health and another agent's sends keep being answered; afterwards, and after a restart, both
// agents answer again. "Answered" means within a generous bound (PROBE_MS), not a timing figure.
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, startLmosServe } from "./cli-harness.ts";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.ts";
import { echoReply } from "./scripted-model-server.ts";

/** A probe that takes longer than this counts as unanswered (the stall took minutes). */
const PROBE_MS = 10_000;
/** The big sends themselves: counting 5 MB of random letters is seconds of the token worker's time. */
const BIG_MS = 100_000;

let model: ScriptedModel;
let server: Awaited<ReturnType<typeof startLmosServe>>;
const home = mkdtempSync(join(tmpdir(), "lmos-large-input-"));
const env = () =>
  childEnv({
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_EMBEDDING: "none",
    LMOS_MAX_RETRIES: "0",
  });
let small = ""; // gpt-4o-mini's 128K window: a 5 MB message cannot fit
let roomy = ""; // a 4M-token window: it can
let other = "";

async function call(
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = PROBE_MS,
): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** POSTs a JSON body in 1 MB chunks without a content-length (so the server must count what it reads). */
function postChunked(path: string, json: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    req.on("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString()) }),
      );
    });
    req.on("error", reject);
    const bytes = Buffer.from(json);
    let at = 0;
    const write = () => {
      while (at < bytes.length) {
        const chunk = bytes.subarray(at, at + 1024 * 1024);
        at += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

/** Random letters: a pasted blob with no space in it. */
function oneWord(bytes: number): string {
  const out = Buffer.alloc(bytes);
  let x = 7;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = 97 + (x % 26);
  }
  return out.toString("latin1");
}

/** Random words of 2–9 letters. */
function words(bytes: number): string {
  const w = oneWord(bytes);
  const out = Buffer.from(w, "latin1");
  let x = 11;
  for (let i = 0; i < bytes; i += 3 + (x % 8)) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = 32;
  }
  return out.toString("latin1");
}

/** Health and a send to `other`, answered one after the other until `big` settles; how many overlapped. */
async function probeWhile<T>(big: Promise<T>): Promise<{ result: T; probes: number }> {
  let settled = false;
  const done = big.finally(() => {
    settled = true;
  });
  let probes = 0;
  while (!settled) {
    const health = await call("GET", "/v1/health/");
    expect(health.status).toBe(200);
    const send = await call("POST", `/v1/agents/${other}/messages`, { input: `probe ${probes}` });
    expect(send.status).toBe(200);
    expect(JSON.stringify(send.json.messages)).toContain(`probe ${probes}`);
    probes++;
  }
  return { result: await done, probes };
}

async function messageCount(agentId: string): Promise<number> {
  return (await call("GET", `/v1/agents/${agentId}/messages?limit=1000`)).json.length;
}

beforeAll(async () => {
  model = await startScriptedModel({ fallback: (req) => echoReply(req, "send_message"), keepRequests: 4 });
  server = await startLmosServe(env());
  small = (await call("POST", "/v1/agents/", { name: "small" })).json.id;
  roomy = (await call("POST", "/v1/agents/", { name: "roomy", context_window_limit: 4_000_000 })).json.id;
  other = (await call("POST", "/v1/agents/", { name: "other" })).json.id;
}, 60_000);

afterAll(async () => {
  server?.child.kill("SIGKILL");
  await model?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("a big send in flight", () => {
  for (const [name, make] of [
    ["one word", oneWord],
    ["words", words],
  ] as const) {
    it(`5 MB of ${name} that cannot fit the window: 413 naming the limit, nothing stored, others answered`, async () => {
      const before = await messageCount(small);
      const { result, probes } = await probeWhile(
        call("POST", `/v1/agents/${small}/messages`, { input: make(5_000_000) }, BIG_MS),
      );
      expect(result.status).toBe(413);
      expect(result.json.code).toBe("payload_too_large");
      expect(result.json.message).toMatch(
        /more than \d+ tokens.*context window of agent small \(128000 tokens/,
      );
      expect(probes).toBeGreaterThan(0);
      expect(await messageCount(small)).toBe(before);
    }, 120_000);

    it(`5 MB of ${name} that fits the window: stored and answered, others answered meanwhile`, async () => {
      const text = make(5_000_000);
      const { result, probes } = await probeWhile(
        call("POST", `/v1/agents/${roomy}/messages`, { input: text }, BIG_MS),
      );
      expect(result.status).toBe(200);
      expect(result.json.stop_reason.stop_reason).toBe("end_turn");
      expect(JSON.stringify(result.json.messages)).toContain(`ok: ${text.slice(0, 100)}`);
      expect(probes).toBeGreaterThan(0);
    }, 120_000);

    it(`50 MB of ${name}: 413 naming the body limit (declared or streamed), others answered`, async () => {
      const json = JSON.stringify({ input: make(50_000_000) });
      const declared = await call("POST", `/v1/agents/${small}/messages`, json, BIG_MS);
      expect(declared.status).toBe(413);
      expect(declared.json.message).toMatch(/limit is 10 MiB \(10485760 bytes, set by LMOS_MAX_BODY_BYTES\)/);
      const { result, probes } = await probeWhile(postChunked(`/v1/agents/${roomy}/messages`, json));
      expect(result.status).toBe(413);
      expect(result.json.code).toBe("payload_too_large");
      expect(probes).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe("afterwards", () => {
  it("every agent answers, and again after a restart (SIGTERM is honoured at once)", async () => {
    for (const id of [small, roomy, other]) {
      const r = await call("POST", `/v1/agents/${id}/messages`, { input: "still there?" });
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.json.messages)).toContain("ok: still there?");
    }
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    server = await startLmosServe(env());
    for (const id of [small, roomy, other]) {
      const r = await call("POST", `/v1/agents/${id}/messages`, { input: "after the restart" });
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.json.messages)).toContain("ok: after the restart");
    }
  }, 120_000);
});
