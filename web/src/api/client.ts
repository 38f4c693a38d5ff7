// The UI's one way to the server: the Letta-compatible REST API under v1/ (relative, so the page works under
// a path prefix), with the API key when the server wants one and errors as values a page can show.

/** An error answer of the API, with the code and message the server sent. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KEY = "lmos.apiKey";
let apiKey: string | null = sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
const keyListeners = new Set<() => void>();

/** The key the UI sends, if any. */
export function currentKey(): string | null {
  return apiKey;
}

/** Sets (or, with null, forgets) the key; `remember` keeps it across browser restarts. */
export function setKey(key: string | null, remember = false): void {
  apiKey = key;
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  if (key) (remember ? localStorage : sessionStorage).setItem(KEY, key);
  for (const f of keyListeners) f();
}

/** Called when the server refuses the key (or wants one): the app shows the key prompt. */
export const unauthorized = new Set<() => void>();

/** Subscribes to key changes; returns the unsubscribe function. */
export function onKeyChange(f: () => void): () => void {
  keyListeners.add(f);
  return () => keyListeners.delete(f);
}

/** Request headers with the key. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return apiKey ? { ...extra, authorization: `Bearer ${apiKey}` } : extra;
}

/** Turns a non-2xx answer into an ApiError (and tells the app about a 401). */
export async function failure(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { code?: string; message?: string; detail?: string };
    code = body.code ?? code;
    message = body.message ?? body.detail ?? message;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) for (const f of unauthorized) f();
  return new ApiError(res.status, code, message);
}

type Query = Record<string, string | number | boolean | string[] | undefined | null>;

/** The URL of an API path ("agents/…") with a query. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return `v1/${path}${qs ? `?${qs}` : ""}`;
}

/** Calls the API and answers its JSON; throws ApiError on an error answer. */
export async function api<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const res = await fetch(apiUrl(path, options.query), {
    method,
    headers: authHeaders(options.body === undefined ? {} : { "content-type": "application/json" }),
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return null as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** Path segment escaping for ids and labels. */
export const seg = encodeURIComponent;
