// Shared setup of the server tests: the scripted model, lmos on a temp SQLite home through the production
// OpenAI driver, and the HTTP server on a random loopback port. Plus an SSE frame reader for raw streams.
import { expect } from "vitest";
import { type ServerLimits, startServer } from "../src/server/index.ts";
import type { Sandbox } from "../src/tools/index.ts";
import { type CoreFixture, openFixture } from "./core-fixture.ts";
import type { ScriptedModelOptions } from "./scripted-model.ts";

export interface ServerFixture extends CoreFixture {
  url: string;
  apiKey: string | undefined;
  /** fetch against the server with JSON in and auth set. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** Starts scripted model + lmos + server. */
export async function openServerFixture(
  options: ScriptedModelOptions & {
    apiKey?: string;
    pingMs?: number;
    corsOrigins?: string[];
    env?: Record<string, string>;
    limits?: Partial<ServerLimits>;
    sandbox?: Sandbox;
    webDist?: string;
  } = {},
): Promise<ServerFixture> {
  const fx = await openFixture(options);
  const server = await startServer({
    lmos: fx.os,
    port: 0,
    apiKey: options.apiKey ?? "",
    pingMs: options.pingMs,
    corsOrigins: options.corsOrigins ?? [],
    limits: options.limits,
    webDist: options.webDist,
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(server.url + path, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    ...fx,
    url: server.url,
    apiKey: options.apiKey,
    call,
    async close() {
      await server.close();
      await fx.close();
    },
  };
}

/** One SSE frame: its event name (if any) and data text. */
export interface SseFrame {
  event: string | null;
  data: string;
}

/** Splits an SSE body into frames (comments dropped). */
export function parseSse(text: string): SseFrame[] {
  return text
    .split(/\n\n/)
    .map((block) => block.split("\n").filter((l) => l && !l.startsWith(":")))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      event:
        lines
          .find((l) => l.startsWith("event:"))
          ?.slice(6)
          .trim() ?? null,
      data: lines
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).replace(/^ /, ""))
        .join("\n"),
    }));
}

/** Polls `probe` until it returns a truthy value (tests never assert timings; this only waits). */
export async function eventually<T>(
  probe: () => Promise<T | null | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A response's JSON body, untyped (tests assert its shape). */
export async function readJson(res: Response): Promise<any> {
  return res.json();
}

/** Asserts a 422 invalid_argument whose message matches `pattern` (the library's rules over HTTP). */
export async function expect422(res: Response, pattern: RegExp): Promise<void> {
  const body = await readJson(res);
  expect(res.status, JSON.stringify(body)).toBe(422);
  expect(body.code).toBe("invalid_argument");
  expect(body.message).toMatch(pattern);
}
