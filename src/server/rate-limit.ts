// Requests per second per client address, as a token bucket (2 s of burst): past it a client gets 429
// with Retry-After, and the other clients are served as before. Off unless LMOS_RATE_LIMIT is set: lmos
// listens on loopback by default, where the one client is the user.
import type { MiddlewareHandler } from "hono";
import { LmosError } from "../errors.ts";
import { errorResponse } from "./http-error.ts";

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept at most (the oldest go first): a flood of spoofed addresses cannot grow memory. */
const MAX_CLIENTS = 10_000;

/** The address a request came from (the socket's, on Node; "unknown" elsewhere). */
function clientOf(env: unknown): string {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "unknown";
}

/** Middleware refusing a client's requests past `perSecond` on average (429); `skip` paths are free. */
export function rateLimit(perSecond: number, skip: (path: string) => boolean): MiddlewareHandler {
  const burst = perSecond * 2;
  const buckets = new Map<string, Bucket>();
  return async (c, next) => {
    if (skip(c.req.path)) return next();
    const key = clientOf(c.env);
    const now = Date.now();
    let b = buckets.get(key);
    if (b) buckets.delete(key);
    else {
      b = { tokens: burst, at: now };
      if (buckets.size >= MAX_CLIENTS) buckets.delete(buckets.keys().next().value as string);
    }
    buckets.set(key, b);
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
      const res = errorResponse(
        c,
        new LmosError(
          "rate_limited",
          `too many requests from ${key}: the limit is ${perSecond} per second (set by LMOS_RATE_LIMIT); retry in ${wait} s`,
        ),
      );
      res.headers.set("retry-after", String(wait));
      return res;
    }
    b.tokens -= 1;
    return next();
  };
}
