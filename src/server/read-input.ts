// Reading and validating what a request carries: path params, query strings (repeated keys become arrays),
// JSON bodies with a size limit (413), malformed or too deeply nested JSON (400) and schema failures (422).
import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { z } from "zod";
import { LmosError } from "../errors.ts";
import { zodMessage } from "./http-error.ts";
import { DEFAULT_LIMITS, formatBytes } from "./limits.ts";

/** A body size limit and the variable that sets it (named in the 413). */
export interface BodyLimit {
  bytes: number;
  env: string;
}

const DEFAULT_BODY_LIMIT: BodyLimit = { bytes: DEFAULT_LIMITS.maxBodyBytes, env: "LMOS_MAX_BODY_BYTES" };

/** Bytes of a refused body read and dropped before the 413 goes out. A client that sends its whole body
 * before it reads the answer (fetch does) only sees the 413 if the server reads that far: answered at
 * once, @hono/node-server drains for 500 ms and then cuts the socket, and on a loaded machine a 50 MB
 * send got EPIPE instead of its 413 (`npm run bench -- stall`). Past this, the answer goes out at once. */
export const DRAIN_BEFORE_413_BYTES = 256 * 1024 * 1024;

/** Reads and drops the rest of a refused body (up to DRAIN_BEFORE_413_BYTES in all); resolves when it
 * ended, failed, or is too big to wait for. */
function drain(incoming: IncomingMessage, alreadyRead: number, declared: number): Promise<void> {
  if (incoming.readableEnded || incoming.destroyed || declared > DRAIN_BEFORE_413_BYTES)
    return Promise.resolve();
  return new Promise((resolve) => {
    let size = alreadyRead;
    const done = () => {
      incoming.off("data", onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > DRAIN_BEFORE_413_BYTES) done();
    };
    incoming.on("data", onData);
    incoming.once("end", done);
    incoming.once("error", done);
    incoming.once("close", done);
    incoming.resume();
  });
}

function incomingOf(c: Context): IncomingMessage | null {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : null;
}

// On Node, @hono/node-server hands the request over as c.env.incoming. Reading it there skips building a
// web Request and its stream (undici): a measured 4% of the server's CPU per agent step.
function readIncoming(incoming: IncomingMessage, limit: BodyLimit): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit.bytes) return void chunks.push(chunk);
      // Over the limit: stop keeping it, but drain the rest so the 413 goes out on a healthy socket.
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      chunks.length = 0;
      void drain(incoming, size, 0).then(() => reject(tooLarge(limit)));
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("error", reject);
  });
}

/** Reads the raw body, refusing more than `limit` bytes whether or not content-length says so. */
export async function readBodyBytes(c: Context, limit: BodyLimit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limit.bytes) {
    const incoming = incomingOf(c);
    if (incoming && !incoming.readableDidRead) await drain(incoming, 0, declared);
    throw tooLarge(limit, declared);
  }
  const incoming = incomingOf(c);
  if (incoming && !incoming.readableDidRead) return readIncoming(incoming, limit);
  const body = c.req.raw.body;
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit.bytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: BodyLimit, declared?: number): LmosError {
  const size = declared ? `${formatBytes(declared)} (${declared} bytes)` : "over the limit";
  return new LmosError(
    "payload_too_large",
    `request body is ${size}; the limit is ${formatBytes(limit.bytes)} (${limit.bytes} bytes, set by ${limit.env})`,
  );
}

/** How deep arrays and objects nest in JSON text (strings skipped): a linear scan, before JSON.parse, so
 * that `[[[[…]]]]` a million deep is refused instead of overflowing the stack of whatever walks it next. */
export function jsonDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

/** Parses `value` with `schema`, or throws a 422 naming the field (`where` is body, query or path). */
export function check<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new LmosError("invalid_argument", repeatedKey(r.error, value, where) ?? zodMessage(r.error, where));
}

// A query key given twice arrives as an array (rawQuery); a field that takes one value then fails with a
// type message ("received NaN", "expected string, received array") that does not say what went wrong.
function repeatedKey(err: z.ZodError, value: unknown, where: string): string | null {
  if (where !== "query" || !value || typeof value !== "object") return null;
  const key = err.issues[0]?.path[0];
  if (typeof key !== "string") return null;
  const given = (value as Record<string, unknown>)[key];
  if (!Array.isArray(given)) return null;
  const shown = given.map((v) => `${key}=${v}`).join("&");
  return `query.${key}: given ${given.length} times (${shown}); it takes one value`;
}

/** The JSON body validated by `schema`; an empty body counts as `{}`. */
export async function jsonBody<T>(
  c: Context,
  schema: z.ZodType<T>,
  limit: BodyLimit = DEFAULT_BODY_LIMIT,
  maxDepth = DEFAULT_LIMITS.maxJsonDepth,
): Promise<T> {
  const bytes = await readBodyBytes(c, limit);
  const text = bytes.toString("utf8").trim();
  let value: unknown = {};
  if (text) {
    if (jsonDepth(text, maxDepth) > maxDepth) {
      throw new LmosError(
        "bad_request",
        `request body nests arrays and objects more than ${maxDepth} deep (the limit, set by LMOS_MAX_JSON_DEPTH)`,
      );
    }
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new LmosError("bad_request", `request body is not valid JSON: ${(e as Error).message}`);
    }
  }
  return check(schema, value, "body");
}

/** The query string as an object: a key given once is a string, a repeated key an array. */
export function rawQuery(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, values] of Object.entries(c.req.queries())) {
    out[k] = values.length === 1 ? values[0] : values;
  }
  return out;
}

// Query-string field types: everything arrives as text.
/** An integer query parameter. */
export const qInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*[+-]?\d+\s*$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
/** A boolean query parameter ("true"/"false"/"1"/"0"). */
export const qBool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
/** A repeatable query parameter (`?tags=a&tags=b`); one value becomes a one-element array. */
export const qList = z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(z.string()));
