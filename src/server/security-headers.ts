// Security headers on every response the app makes (API answers, errors, the web UI's files): nothing is
// sniffed into another type, framed by another site, or leaks its URL as a referrer; API answers (private
// data: memory, messages) are never cached and render as nothing if opened as a page; the UI's pages may
// load only their own files. Which browser origins may call the API is CORS's job (app.ts, --cors).
import type { MiddlewareHandler } from "hono";
import { isApiPath } from "./web-ui.ts";

// The built UI has no inline script or style (Vite emits files; Preact sets styles through the CSSOM).
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** JSON and event streams are data, never a document: nothing in them may run or be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const ALWAYS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

/** Sets the security headers on every response, after its handler ran (so errors and 404s get them too). */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    for (const [name, value] of Object.entries(ALWAYS)) h.set(name, value);
    if (isApiPath(c.req.path)) {
      h.set("content-security-policy", API_CSP);
      h.set("cache-control", "no-store");
    } else {
      h.set("content-security-policy", PAGE_CSP);
    }
  };
}
