// HTTP on behalf of sandboxed code: only when the call is granted the network, only to its allowed hosts,
// every redirect checked again before it is followed, bodies cut at a fixed size. The JavaScript worker
// calls it for `fetch`; the pool calls it for Python's `urllib.request`. Refusals are messages the model
// can read ("network access is not granted to this tool", "host … is not in its allowed hosts").
import type { SandboxLimits } from "./types.ts";

/** Bytes of a response body handed to the code. */
export const FETCH_BODY_BYTES = 5_000_000;
const MAX_REDIRECTS = 5;

export interface GuestRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** Request body, as text (JavaScript) or base64 (Python, see `bodyBase64`). */
  body?: string;
  bodyBase64?: boolean;
}

export interface GuestResponse {
  status: number;
  statusText: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Why the call may not reach `url`, or null when it may. */
export function networkRefusal(url: string, limits: SandboxLimits): string | null {
  if (!limits.network) {
    return "network access is not granted to this tool (lmos sandbox; grant it with sandbox.network)";
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return `only http and https URLs are allowed, not ${u.protocol}`;
  }
  const hosts = limits.allowedHosts;
  if (!hosts || hosts.length === 0 || hosts.includes("*")) return null;
  const name = u.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  for (const raw of hosts) {
    const entry = raw.trim().toLowerCase();
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\](?=:|$)/g, ""));
    const host = m?.[1] ?? entry;
    if (m?.[2] && m[2] !== port) continue;
    if (host === name) return null;
    if (host.startsWith("*.") && name.endsWith(host.slice(1))) return null;
  }
  return `the host ${u.host} is not in this tool's allowed hosts (${hosts.join(", ")})`;
}

/** Performs one guest request under `limits`; throws an Error whose message the code sees. */
export async function guestFetch(
  hostFetch: typeof fetch,
  req: GuestRequest,
  limits: SandboxLimits,
  deadline: number,
): Promise<GuestResponse> {
  let url = req.url;
  let method = (req.method ?? "GET").toUpperCase();
  let body: string | Uint8Array | undefined =
    req.body === undefined ? undefined : req.bodyBase64 ? Buffer.from(req.body, "base64") : req.body;
  for (let hop = 0; ; hop++) {
    const refused = networkRefusal(url, limits);
    if (refused) throw new Error(refused);
    const res = await hostFetch(url, {
      method,
      headers: req.headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects (more than ${MAX_REDIRECTS})`);
      url = new URL(location, url).href;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      continue;
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return {
      status: res.status,
      statusText: res.statusText,
      url,
      headers,
      body: await readCapped(res),
    };
  }
}

async function readCapped(res: Response): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.length;
    if (size >= FETCH_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(parts).subarray(0, FETCH_BODY_BYTES);
}
