// A `fetch` for the provider SDKs over node:http/https with keep-alive sockets. Measured by
// `npm run bench -- driver` (OpenAI SDK, agent-sized request, scripted model): Node's built-in fetch
// (undici) cost 0.98 ms of CPU per chat completion, this 0.54 ms; the model call is on every agent step,
// so undici was the bottleneck of the driver. Only what the SDKs use is implemented: method, headers, a string or byte
// body, an AbortSignal, buffered JSON replies and streamed (SSE) replies.
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error && reason.name === "AbortError"
    ? reason
    : new DOMException("This operation was aborted", "AbortError");
}

/** The body stream, decompressed when the server chose an encoding. */
function decoded(res: IncomingMessage): Readable {
  switch ((res.headers["content-encoding"] ?? "").toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return res.pipe(createGunzip());
    case "deflate":
      return res.pipe(createInflate());
    case "br":
      return res.pipe(createBrotliDecompress());
    default:
      return res;
  }
}

/** The longest wait before a retry that a provider's Retry-After may impose. The SDKs wait as long as
 * they are told: a Retry-After of an hour held the run (and its agent) an hour per retry. Past this, the
 * SDK is told not to retry (x-should-retry: false) and the run fails at once with the provider's answer. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Milliseconds a response's retry-after-ms or Retry-After (seconds or an HTTP date) asks to wait. */
export function retryAfterMs(h: Headers): number | null {
  const ms = Number.parseFloat(h.get("retry-after-ms") ?? "");
  if (!Number.isNaN(ms)) return ms;
  const raw = h.get("retry-after");
  if (!raw) return null;
  const seconds = Number.parseFloat(raw);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : at - Date.now();
}

function responseHeaders(res: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || k === "content-encoding" || k === "content-length") continue;
    h.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  const wait = retryAfterMs(h);
  if (wait !== null && wait > MAX_RETRY_AFTER_MS && !h.has("x-should-retry"))
    h.set("x-should-retry", "false");
  return h;
}

function toResponse(res: IncomingMessage, body: Readable | Buffer | null): Response {
  const status = res.statusCode ?? 500;
  const noBody = status === 204 || status === 205 || status === 304;
  const init = { status, statusText: res.statusMessage ?? "", headers: responseHeaders(res) };
  if (noBody || body === null) return new Response(null, init);
  if (Buffer.isBuffer(body)) return new Response(body, init);
  return new Response(Readable.toWeb(body) as ReadableStream, init);
}

/** Errors of a socket the provider closed while it sat idle in the pool: the request never reached it. */
const STALE_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

/** How many pooled sockets one request may find dead in a row before the error goes to the SDK (each
 * failure drops one stale socket from the pool; a fresh connection's failure is never retried here). */
const MAX_STALE_SOCKETS = 8;

/** A fetch-compatible function for SDK clients (`new OpenAI({ fetch: nodeFetch })`). A request written on
 * a reused keep-alive socket that the provider had already closed (reset before any answer arrived) is sent
 * again at once on another socket: that race is the pool's, not the provider's, and must not cost one of
 * the SDK's retries and its back-off, or fail a run when retries are off. */
export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortError(signal);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => {
    headers[k] = v;
  });
  const body = init.body;
  if (body != null && typeof body !== "string" && !(body instanceof Uint8Array)) {
    throw new TypeError("nodeFetch sends only string or byte bodies");
  }
  for (let stale = 0; ; stale++) {
    try {
      return await attempt(url, init.method ?? "GET", headers, body ?? undefined, signal);
    } catch (e) {
      if (!(e instanceof StaleSocketError) || stale + 1 >= MAX_STALE_SOCKETS) throw unwrap(e);
    }
  }
}

/** A reused socket failed before any answer: safe to send again on another socket. */
class StaleSocketError extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

const unwrap = (e: unknown) => (e instanceof StaleSocketError ? e.original : e);

function attempt(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const https = url.protocol === "https:";
  const send = https ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const req = send(url, { method, headers, agent: https ? httpsAgent : httpAgent }, (res) => {
      answered = true;
      const stream = decoded(res);
      const streaming = (res.headers["content-type"] ?? "").includes("text/event-stream");
      if (streaming) {
        resolve(toResponse(res, stream));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => resolve(toResponse(res, Buffer.concat(chunks))));
      stream.on("error", reject);
    });
    const onAbort = () => req.destroy(abortError(signal as AbortSignal));
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("close", () => signal?.removeEventListener("abort", onAbort));
    req.on("error", (e: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && !answered && !signal?.aborted && STALE_SOCKET_CODES.has(e.code ?? "");
      reject(stale ? new StaleSocketError(e) : e);
    });
    req.end(body);
  });
}
