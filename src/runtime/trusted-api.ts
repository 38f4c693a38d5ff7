// The trusted face of an lmos: the same instance (store, runner, everything shared) whose agents (and their
// memory, archival and recall search, schedules, sends), blocks, tools, groups and MCP servers entry points
// take typed input as it is. It is for a boundary that has checked that input with
// the library's own schemas (validate.ts) — the HTTP server — so that nothing is validated twice.
import type { Lmos } from "./types.ts";

const trustedOf = new WeakMap<Lmos, Lmos>();

/** Records `trusted` as the trusted face of `lmos` (openLmos does, once). */
export function registerTrustedApi(lmos: Lmos, trusted: Lmos): void {
  trustedOf.set(lmos, trusted);
}

/** The trusted face of `lmos`; an lmos openLmos did not build is its own (it validates, which is safe). */
export function trustedApi(lmos: Lmos): Lmos {
  return trustedOf.get(lmos) ?? lmos;
}
