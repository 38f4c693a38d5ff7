// Who is calling: `Authorization: Bearer <secret>` is LMOS_API_KEY (the default project, full scope) or an
// API key made by `lmos keys create` (its project and scope). With neither kind of key the server stays
// open, as before keys existed. The MCP endpoint acts on the whole default project, so project keys and
// read keys may not use it.
import { timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { LmosError } from "../../errors.ts";
import { DEFAULT_PROJECT, nowIso, type Store } from "../../store/index.ts";
import { errorResponse } from "../http-error.ts";
import { isApiPath } from "../web-ui.ts";
import { hashSecret } from "./api-keys.ts";
import { DEFAULT_PRINCIPAL, type Principal, setPrincipal } from "./principal.ts";

// "No key exists yet" is re-read at most this often, so a key made by the CLI while the server runs
// closes the server within a second; once a key exists it stays so (keys are revoked, never deleted).
const RECHECK_MS = 1000;
// last_used_at is a hint for `lmos keys list`: one write per key per minute at most, not one per request.
const TOUCH_MS = 60_000;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function unauthorized(c: Context, message: string): Response {
  const res = errorResponse(c, new LmosError("unauthorized", message));
  res.headers.set("www-authenticate", "Bearer");
  return res;
}

const isMcp = (path: string) => path === "/mcp" || path.startsWith("/mcp/");

/** The auth middleware: sets the request's principal, or answers 401/403. `skip` paths need no key. */
export function authenticate(
  store: Pick<Store, "findApiKey" | "hasApiKeys" | "touchApiKey">,
  apiKey: string | undefined,
  skip: (path: string) => boolean,
): MiddlewareHandler {
  let keysExist = false;
  let checkedAt = 0;
  const anyKey = async () => {
    if (!keysExist && Date.now() - checkedAt >= RECHECK_MS) {
      keysExist = await store.hasApiKeys();
      checkedAt = Date.now();
    }
    return keysExist;
  };
  const touched = new Map<string, number>();

  const resolve = async (secret: string): Promise<Principal | null> => {
    if (apiKey && sameSecret(secret, apiKey)) return DEFAULT_PRINCIPAL;
    const key = await store.findApiKey(hashSecret(secret));
    if (!key || key.revokedAt) return null;
    keysExist = true;
    const now = Date.now();
    if (now - (touched.get(key.id) ?? 0) >= TOUCH_MS) {
      touched.set(key.id, now);
      void store.touchApiKey(key.id, nowIso()).catch(() => {});
    }
    return { project: key.project, scope: key.scope, keyId: key.id };
  };

  return async (c, next) => {
    // The UI's static files and unknown paths need no key; the API (and its description) does.
    if (skip(c.req.path) || !isApiPath(c.req.path)) return next();
    if (!apiKey && !(await anyKey())) return next();
    const match = /^Bearer\s+(.+)$/i.exec((c.req.header("authorization") ?? "").trim());
    if (!match) {
      return unauthorized(
        c,
        "missing API key: send `Authorization: Bearer <key>` (LMOS_API_KEY, or a key from `lmos keys create`)",
      );
    }
    const principal = await resolve(match[1]);
    if (!principal) {
      return unauthorized(c, "unknown or revoked API key: `lmos keys list` shows the keys and their state");
    }
    if (isMcp(c.req.path) && (principal.project !== DEFAULT_PROJECT || principal.scope !== "full")) {
      return errorResponse(
        c,
        new LmosError(
          "forbidden",
          "the MCP endpoint acts on the default project with full rights: use LMOS_API_KEY or a full key of the default project",
        ),
      );
    }
    setPrincipal(c, principal);
    return next();
  };
}
