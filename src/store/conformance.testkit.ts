// The Store contract suite: vitest blocks written only against the Store interface, run by every
// implementation (sqlite/ now, postgres/ later). `open` must return a fresh, empty store each call.
import { describe } from "vitest";
import { agentSuite } from "./conformance/agents.ts";
import { blockEditSuite } from "./conformance/block-edits.ts";
import { leaseSuite } from "./conformance/leases.ts";
import { messageSuite } from "./conformance/messages.ts";
import { passageSuite } from "./conformance/passages.ts";
import { runSuite } from "./conformance/runs.ts";
import { reopenSuite, stepSuite } from "./conformance/steps.ts";
import type { Store } from "./types.ts";

/** Options for implementations that persist: `openPersistent()` names one database that every
 * `open()` of the returned handle reopens. */
export interface ConformanceOptions {
  openPersistent?: () => { open: () => Promise<Store> };
}

/** Registers the whole Store conformance suite for one implementation. */
export function storeConformance(
  name: string,
  open: () => Promise<Store>,
  options: ConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    agentSuite(open);
    messageSuite(open);
    passageSuite(open);
    stepSuite(open);
    runSuite(open);
    blockEditSuite(open);
    leaseSuite(open);
    if (options.openPersistent) reopenSuite(options.openPersistent);
  });
}
