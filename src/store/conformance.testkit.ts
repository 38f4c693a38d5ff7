// The Store contract suite: vitest blocks written only against the Store interface, run by every
// implementation (sqlite/ now, postgres/ later). `open` must return a fresh, empty store each call.
// Each part of the contract (contract/*.ts) has its own suite, exported here too, so a store written
// piece by piece runs the suites of the parts it has so far.
import { describe } from "vitest";
import { agentSuite } from "./conformance/agents.testkit.ts";
import { blockEditSuite } from "./conformance/block-edits.testkit.ts";
import { leaseSuite } from "./conformance/leases.testkit.ts";
import { mcpServerSuite } from "./conformance/mcp-servers.testkit.ts";
import { memoryNodeSuite } from "./conformance/memory-nodes.testkit.ts";
import { messageSuite } from "./conformance/messages.testkit.ts";
import { openFileSuite } from "./conformance/open-files.testkit.ts";
import { passageSuite } from "./conformance/passages.testkit.ts";
import { rankingSuite } from "./conformance/ranking.testkit.ts";
import { runSuite } from "./conformance/runs.testkit.ts";
import { sourceSuite } from "./conformance/sources.testkit.ts";
import { reopenSuite, stepSuite } from "./conformance/steps.testkit.ts";
import { toolSuite } from "./conformance/tools.testkit.ts";
import { groupSuite } from "./conformance/groups.testkit.ts";
import { jobConcurrencySuite, jobSuite } from "./conformance/jobs.testkit.ts";
import { scheduleConcurrencySuite, scheduleSuite } from "./conformance/schedules.testkit.ts";
import { tenancySuite } from "./conformance/tenancy.testkit.ts";
import type { Store } from "./types.ts";

export {
  agentSuite,
  blockEditSuite,
  groupSuite,
  jobConcurrencySuite,
  jobSuite,
  leaseSuite,
  mcpServerSuite,
  memoryNodeSuite,
  messageSuite,
  openFileSuite,
  passageSuite,
  rankingSuite,
  reopenSuite,
  runSuite,
  scheduleConcurrencySuite,
  scheduleSuite,
  sourceSuite,
  stepSuite,
  tenancySuite,
  toolSuite,
};

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
    // Each part in a describe of its own, so its per-test store (useStore) opens for its own tests only.
    const parts: Array<[string, (open: () => Promise<Store>) => void]> = [
      ["agent store", agentSuite],
      ["tool store", toolSuite],
      ["mcp server store", mcpServerSuite],
      ["message store", messageSuite],
      ["passage store", passageSuite],
      ["lexical ranking", rankingSuite],
      ["source store", sourceSuite],
      ["open file store", openFileSuite],
      ["memory node store", memoryNodeSuite],
      ["step commits", stepSuite],
      ["run store", runSuite],
      ["block edits", blockEditSuite],
      ["lease store", leaseSuite],
      ["job store", jobSuite],
      ["schedule store", scheduleSuite],
      ["group store", groupSuite],
      ["tenancy store", tenancySuite],
    ];
    for (const [part, suite] of parts) describe(part, () => suite(open));
    if (options.openPersistent) {
      reopenSuite(options.openPersistent);
      jobConcurrencySuite(options.openPersistent);
      scheduleConcurrencySuite(options.openPersistent);
    }
  });
}
