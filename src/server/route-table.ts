// Routes declared once, with their zod schemas: the table registers each on the Hono app (validating path,
// query and body before the handler runs) and keeps the declarations for /openapi.json.
import type { Context, Hono } from "hono";
import type { z } from "zod";
import { DEFAULT_LIMITS, type ServerLimits } from "./limits.ts";
import { type BodyLimit, check, jsonBody, rawQuery } from "./read-input.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/** One route: where it lives, what it takes, what it answers. */
export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** OpenAPI-style path, e.g. "/v1/agents/{agent_id}" (trailing slash optional on the wire). */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Multipart upload instead of JSON: the part name (documented; the handler reads the form). */
  multipart?: string;
  /** Schema of a JSON answer (documented only; answers are built by the mappers). */
  response?: z.ZodType;
  /** The answer is an SSE stream (when the body asks for it, for `maybe`). */
  sse?: "always" | "maybe";
  /** A POST that changes nothing (a search): a read-scope key may call it. */
  readOnly?: boolean;
}

/** Checks every route runs through before and after its handler (project isolation: tenancy/guard.ts). */
export interface RouteGuard<W = unknown> {
  admit(c: Context, def: RouteDef, params: unknown, body: unknown): Promise<W>;
  finish(who: W, startedMs: number, out: unknown): Promise<void>;
}

/** What a handler receives: validated inputs and the Hono context. */
export interface RouteInput<P, Q, B> {
  c: Context;
  params: P;
  query: Q;
  body: B;
}

type Handler<P, Q, B> = (input: RouteInput<P, Q, B>) => Promise<unknown> | unknown;

/** Registers routes on an app and remembers them for the OpenAPI document. */
export class RouteTable {
  readonly routes: RouteDef[] = [];
  private readonly bodyLimit: BodyLimit;
  constructor(
    private readonly app: Hono,
    private readonly limits: ServerLimits = DEFAULT_LIMITS,
    /** Project isolation and key scopes, applied to every route (tenancy/guard.ts). */
    private readonly guard?: RouteGuard,
  ) {
    this.bodyLimit = { bytes: limits.maxBodyBytes, env: "LMOS_MAX_BODY_BYTES" };
  }

  /** Adds a route; a handler's plain return value is sent as JSON, a Response as is. */
  add<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
    def: RouteDef<P, Q, B>,
    handler: Handler<P, Q, B>,
  ): void {
    this.routes.push(def as RouteDef);
    // Registered without the trailing slash: with `strict: false` Hono then matches both spellings.
    const honoPath = def.path.replace(/\{(\w+)\}/g, ":$1").replace(/(.)\/$/, "$1");
    this.app.on(def.method.toUpperCase(), honoPath, async (c) => {
      const params = (def.params ? check(def.params, c.req.param(), "path") : {}) as P;
      const query = (def.query ? check(def.query, rawQuery(c), "query") : {}) as Q;
      const body = (
        def.body ? await jsonBody(c, def.body, this.bodyLimit, this.limits.maxJsonDepth) : undefined
      ) as B;
      const started = Date.now();
      const who = await this.guard?.admit(c, def as RouteDef, params, body);
      const out = await handler({ c, params, query, body });
      if (out instanceof Response) return out;
      if (who) await this.guard?.finish(who, started, out);
      return c.json(out ?? null);
    });
  }
}
