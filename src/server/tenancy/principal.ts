// Who a request acts for: a project and a scope, set by the auth middleware (auth.ts) and read by the
// route table's guard. Kept beside the request object, so nothing else has to carry it.
import type { Context } from "hono";
import { DEFAULT_PROJECT, type KeyScope } from "../../store/index.ts";

export interface Principal {
  project: string;
  scope: KeyScope;
  /** The API key's id, or null for LMOS_API_KEY and an open server. */
  keyId: string | null;
}

/** LMOS_API_KEY, or a server with no key at all: the default project, full scope. */
export const DEFAULT_PRINCIPAL: Principal = { project: DEFAULT_PROJECT, scope: "full", keyId: null };

const principals = new WeakMap<Request, Principal>();

export function setPrincipal(c: Context, p: Principal): void {
  principals.set(c.req.raw, p);
}

/** The request's principal; the default one when auth did not run (createApp without keys). */
export function principalOf(c: Context): Principal {
  return principals.get(c.req.raw) ?? DEFAULT_PRINCIPAL;
}
