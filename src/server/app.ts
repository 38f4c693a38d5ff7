// The HTTP app: auth, the Letta-compatible routes under /v1, the MCP endpoint (/mcp), /openapi.json, JSON
// errors, and the web UI at /.
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { LmosError } from "../errors.ts";
import { trustedApi } from "../runtime/index.ts";
import type { Lmos } from "../runtime/types.ts";
import { errorResponse } from "./http-error.ts";
import { DEFAULT_LIMITS, type ServerLimits } from "./limits.ts";
import { openApiDocument } from "./openapi.ts";
import { mountMcp } from "./mcp/http.ts";
import { rateLimit } from "./rate-limit.ts";
import { RouteTable } from "./route-table.ts";
import { securityHeaders } from "./security-headers.ts";
import { agentFileRoutes } from "./routes/agent-files.ts";
import { agentRoutes } from "./routes/agents.ts";
import { folderRoutes } from "./routes/folders.ts";
import { mcpServerRoutes } from "./routes/mcp-servers.ts";
import { memoryRoutes } from "./routes/memory.ts";
import { messageRoutes } from "./routes/messages.ts";
import { groupRoutes } from "./routes/groups.ts";
import { runRoutes } from "./routes/runs.ts";
import { scheduleRoutes } from "./routes/schedules.ts";
import { PING_MS } from "./routes/send.ts";
import { systemRoutes } from "./routes/system.ts";
import { toolRoutes } from "./routes/tools.ts";
import { webUi } from "./web-ui.ts";
import { authenticate, ProjectGuard } from "./tenancy/index.ts";

export interface AppOptions {
  /** When set, every route but /v1/health needs `Authorization: Bearer <apiKey>` (or a project key made by
   * `lmos keys create`; once one exists the server needs a key even without apiKey). */
  apiKey?: string;
  /** Keepalive ping interval of SSE streams that ask for pings (default 30 000 ms, as Letta). */
  pingMs?: number;
  /** Browser origins allowed to call the API (CORS), or ["*"]; none by default (no CORS headers). */
  corsOrigins?: string[];
  /** Body sizes, JSON depth, request rate (default: DEFAULT_LIMITS; startServer reads the environment). */
  limits?: ServerLimits;
  /** Folder of the built web UI served at / (default web/dist of this package). */
  webDist?: string;
}

const VERSION = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
})();

const isHealth = (path: string) => path === "/v1/health" || path === "/v1/health/";

/** Builds the Hono app serving `lmos`. */
export function createApp(lmos: Lmos, options: AppOptions = {}): Hono {
  // strict: false — the client sends some paths with a trailing slash and some without (letta-api.md §1).
  const app = new Hono({ strict: false });
  app.onError((err, c) => errorResponse(c, err));
  app.notFound((c) =>
    errorResponse(c, new LmosError("not_found", `no route for ${c.req.method} ${c.req.path}`)),
  );

  // Outermost: every answer gets them, the preflight, 401s, 404s and errors included.
  app.use("*", securityHeaders());

  // Before auth: a browser's preflight carries no Authorization header and must still be answered.
  const origins = options.corsOrigins ?? [];
  if (origins.length) {
    app.use(
      "*",
      cors({
        origin: origins.includes("*") ? "*" : origins,
        allowMethods: ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
        maxAge: 600,
      }),
    );
  }

  // Keys: LMOS_API_KEY and the project keys of `lmos keys` (tenancy/auth.ts); none of either: open.
  app.use("*", authenticate(lmos.store, options.apiKey, isHealth));

  const limits = options.limits ?? DEFAULT_LIMITS;
  if (limits.ratePerSecond > 0) app.use("*", rateLimit(limits.ratePerSecond, isHealth));

  const table = new RouteTable(app, limits, new ProjectGuard(lmos));
  const ctx = { lmos, trusted: trustedApi(lmos), table, pingMs: options.pingMs ?? PING_MS, limits };
  systemRoutes(ctx, VERSION);
  agentFileRoutes(ctx);
  agentRoutes(ctx);
  messageRoutes(ctx);
  runRoutes(ctx);
  scheduleRoutes(ctx);
  groupRoutes(ctx);
  memoryRoutes(ctx);
  toolRoutes(ctx);
  mcpServerRoutes(ctx);
  folderRoutes(ctx);

  let doc: unknown = null;
  mountMcp(app, lmos, VERSION);
  app.get("/openapi.json", (c) => {
    doc ??= openApiDocument(table.routes, VERSION);
    return c.json(doc);
  });
  webUi(app, options.webDist);
  return app;
}
