// Tenancy's public face for the rest of the server and the CLI: keys, who a request acts for, the guard.
import type { Context } from "hono";
import { principalOf } from "./principal.ts";

export { hashSecret, KEY_PREFIX, mintApiKey, PROJECT_NAME } from "./api-keys.ts";
export { authenticate } from "./auth.ts";
export { ProjectGuard } from "./guard.ts";
export { type Principal, principalOf } from "./principal.ts";

/** The project a request's lists are filtered to. */
export const projectOf = (c: Context): string => principalOf(c).project;
