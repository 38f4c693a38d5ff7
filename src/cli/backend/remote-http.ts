// A small client over fetch for a running lmos (or Letta) server: JSON requests with coded errors, and an
// SSE reader for streamed runs.
import { type ErrorCode, LmosError } from "../../errors.ts";

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "invalid_argument",
  429: "rate_limited",
  502: "provider_error",
  503: "unavailable",
  504: "provider_timeout",
};
const KNOWN_CODES = new Set<string>([
  ...Object.values(CODE_OF_STATUS),
  "no_provider",
  "cancelled",
  "busy",
  "internal",
]);

export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** The LmosError an error response stands for (the server sends {code, message, detail}). */
export function errorFromResponse(status: number, bodyText: string, url: string, sentKey = false): LmosError {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(bodyText) as { code?: unknown; message?: unknown; detail?: unknown };
    if (typeof body.code === "string") code = body.code;
    const text = body.message ?? body.detail;
    if (typeof text === "string") message = text;
    else if (text !== undefined) message = JSON.stringify(text);
  } catch {
    // not JSON: use the status
  }
  const resolved = (
    code && KNOWN_CODES.has(code) ? code : (CODE_OF_STATUS[status] ?? "internal")
  ) as ErrorCode;
  if (status === 401) {
    // Whether a key went with the request decides what the user must fix: a missing key, or a wrong one.
    return new LmosError(
      "unauthorized",
      sentKey
        ? `the server at ${url} refused the API key it was given: check --api-key or set LMOS_API_KEY to the server's key`
        : `the server at ${url} wants an API key: pass --api-key or set LMOS_API_KEY`,
    );
  }
  return new LmosError(resolved, message ?? `the server answered ${status} ${bodyText.slice(0, 120)}`.trim());
}

/** A JSON client for one server. */
export class RemoteHttp {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  url(path: string, query?: Query): string {
    const u = new URL(path, `${this.baseUrl.replace(/\/+$/, "")}/`);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(item));
    }
    return u.toString();
  }

  /** Sends a request; resolves to the raw Response when it is 2xx, throws LmosError otherwise. */
  async fetch(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
  ) {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    // A form (multipart upload) sets its own content type with the boundary.
    const form = options.body instanceof FormData;
    if (options.body !== undefined && !form) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(this.url(path, options.query), {
        method,
        headers,
        body:
          options.body === undefined
            ? undefined
            : form
              ? (options.body as FormData)
              : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (e) {
      if ((e as Error).name === "AbortError") throw new LmosError("cancelled", "cancelled");
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new LmosError(
        "internal",
        `cannot reach the lmos server at ${this.baseUrl} (${why}): start one with \`lmos serve\` or check --url`,
      );
    }
    if (!res.ok) throw errorFromResponse(res.status, await res.text(), this.baseUrl, !!this.apiKey);
    return res;
  }

  /** A JSON request; the parsed answer (null for an empty body). */
  async json<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const res = await this.fetch(method, path, options);
    const text = await res.text();
    return (text ? JSON.parse(text) : null) as T;
  }
}

/** One server-sent event. */
export interface SseEvent {
  event: string | null;
  data: string;
}

/** Splits an SSE body into events (blank-line separated; `data:` lines joined; comments skipped). */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncIterable<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event: string | null = null;
  let data: string[] = [];
  const flush = (): SseEvent | null => {
    const out = data.length ? { event, data: data.join("\n") } : null;
    event = null;
    data = [];
    return out;
  };
  const lines = function* (final: boolean) {
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      yield buffer.slice(0, i).replace(/\r$/, "");
      buffer = buffer.slice(i + 1);
    }
    if (final && buffer) {
      yield buffer;
      buffer = "";
    }
  };
  const handle = (line: string): SseEvent | null => {
    if (line === "") return flush();
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    return null;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) {
      const e = handle(line);
      if (e) yield e;
    }
  }
  buffer += decoder.decode();
  for (const line of lines(true)) {
    const e = handle(line);
    if (e) yield e;
  }
  const last = flush();
  if (last) yield last;
}
