// What one client may ask of the server: body sizes (413), request rate (429), and how long a connection
// may take to send its request (slow clients are cut off instead of holding a socket and its memory).
// Every limit is configurable, and every refusal names the limit and the variable that raises it.
import { type Env, intFromEnv } from "../env.ts";

export interface ServerLimits {
  /** Largest JSON request body, in bytes (LMOS_MAX_BODY_BYTES; default 10 MiB). */
  maxBodyBytes: number;
  /** Largest file upload body, in bytes (LMOS_MAX_UPLOAD_BYTES; default 100 MiB, the ingest limit). */
  maxUploadBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have (LMOS_MAX_JSON_DEPTH; default 64). */
  maxJsonDepth: number;
  /** Requests per second one client address may make on average, bursts of 2 s allowed; 0 for no limit
   * (LMOS_RATE_LIMIT; default 0). /v1/health is never limited. */
  ratePerSecond: number;
  /** Milliseconds a client has to send a request's headers (LMOS_HEADERS_TIMEOUT_MS; default 20 000). */
  headersTimeoutMs: number;
  /** Milliseconds a client has to send a whole request, body included (LMOS_REQUEST_TIMEOUT_MS;
   * default 300 000). Answers may take longer: this bounds the upload, not the run. */
  requestTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection stays open (LMOS_KEEPALIVE_TIMEOUT_MS; default 5 000). */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 10 * 1024 * 1024,
  maxUploadBytes: 100 * 1024 * 1024,
  maxJsonDepth: 64,
  ratePerSecond: 0,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
};

/** The variable that sets each limit, for error messages and docs. */
export const LIMIT_ENV: Record<keyof ServerLimits, string> = {
  maxBodyBytes: "LMOS_MAX_BODY_BYTES",
  maxUploadBytes: "LMOS_MAX_UPLOAD_BYTES",
  maxJsonDepth: "LMOS_MAX_JSON_DEPTH",
  ratePerSecond: "LMOS_RATE_LIMIT",
  headersTimeoutMs: "LMOS_HEADERS_TIMEOUT_MS",
  requestTimeoutMs: "LMOS_REQUEST_TIMEOUT_MS",
  keepAliveTimeoutMs: "LMOS_KEEPALIVE_TIMEOUT_MS",
};

const MIN: Record<keyof ServerLimits, number> = {
  maxBodyBytes: 1024,
  maxUploadBytes: 1024,
  maxJsonDepth: 4,
  ratePerSecond: 0,
  headersTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  keepAliveTimeoutMs: 100,
};

/** The limits the environment sets, the defaults for the rest (invalid_argument on a bad value). */
export function limitsFromEnv(env: Env, overrides: Partial<ServerLimits> = {}): ServerLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof ServerLimits>) {
    out[key] = overrides[key] ?? intFromEnv(env, LIMIT_ENV[key], DEFAULT_LIMITS[key], MIN[key]);
  }
  return out;
}

/** A byte count as people read it: "10 MiB", "1.5 KiB", "900 bytes". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
