// The server's public face: the Hono app over a Lmos instance, and a helper that serves it on a port.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Lmos } from "../runtime/types.ts";
import { createApp } from "./app.ts";
import { answerClientErrors } from "./client-errors.ts";
import { closeIdleSocketsSafely } from "./keep-alive.ts";
import { limitsFromEnv, type ServerLimits } from "./limits.ts";

export { type AppOptions, createApp } from "./app.ts";
export { exportAgentFile } from "./letta/agent-file-export.ts";
export { type ImportOptions, importAgentFile } from "./letta/agent-file-import.ts";
export { DEFAULT_LIMITS, LIMIT_ENV, limitsFromEnv, type ServerLimits } from "./limits.ts";
export { type MemoryServerOptions, memoryMcpServer } from "./mcp/memory-server.ts";
export { KEY_PREFIX, mintApiKey, PROJECT_NAME } from "./tenancy/index.ts";

export interface ServerOptions {
  lmos: Lmos;
  /** Default $LMOS_PORT or 8283; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Bearer key every route but /v1/health requires (default $LMOS_API_KEY; "" for none). */
  apiKey?: string;
  /** Keepalive ping interval of SSE streams (default 30 000 ms). */
  pingMs?: number;
  /** Origins allowed by CORS, or ["*"] (default $LMOS_CORS_ORIGINS, comma-separated; none when unset). */
  corsOrigins?: string[];
  /** Limits set here win over the environment's (LMOS_MAX_BODY_BYTES, LMOS_RATE_LIMIT, …; see limits.ts). */
  limits?: Partial<ServerLimits>;
  /** Folder of the built web UI served at / (default web/dist of this package). */
  webDist?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting requests and closes open connections (the caller still owns `lmos`). */
  close(): Promise<void>;
}

/** The origins of a comma-separated list such as LMOS_CORS_ORIGINS or `--cors` ("" or unset: none). */
export function parseOrigins(list: string | undefined): string[] {
  return (list ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
}

/** Serves the Letta-compatible API for `lmos` over HTTP. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? Number(process.env.LMOS_PORT || 8283);
  const apiKey = options.apiKey ?? process.env.LMOS_API_KEY ?? "";
  const corsOrigins = options.corsOrigins ?? parseOrigins(process.env.LMOS_CORS_ORIGINS);
  const limits = limitsFromEnv(process.env, options.limits);
  const app = createApp(options.lmos, {
    apiKey: apiKey || undefined,
    pingMs: options.pingMs,
    corsOrigins,
    limits,
    webDist: options.webDist,
  });
  // Slow clients (slow-loris: headers or a body trickled in a byte at a time) and idle keep-alive sockets
  // lose their socket instead of holding it; Node checks the timeouts every connectionsCheckingInterval.
  const serverOptions = {
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host, serverOptions }, () =>
      resolve(s as Server),
    ) as Server;
    s.once("error", reject);
  });
  answerClientErrors(server);
  closeIdleSocketsSafely(server);
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
