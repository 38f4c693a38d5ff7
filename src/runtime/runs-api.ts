// Runs as the library shows them (lmos.runs), and the sweep at open that fails the runs a dead process left
// created or running: a run cut by a crash must not stay "running" forever.
import { found } from "../errors.ts";
import { nowIso } from "../store/index.ts";
import type { RunOwner, RunRecord, Store } from "../store/types.ts";
import type { StepTraces } from "./step-traces.ts";
import type { RunsApi } from "./types.ts";

/** Whether the process that owns a run may still be running it, seen from `self`. Conservative: a run of
 * another host, or of a live pid on this one, is live; only a run with no recorded owner, of a pid that
 * no longer exists, or of an earlier process with this very pid (token differs) is not. */
export function ownerIsLive(owner: RunOwner | null, self: RunOwner): boolean {
  if (!owner) return false;
  // Runs recorded before the pid namespace joined the host name carry the bare host name.
  const sameHost = owner.host === self.host || owner.host === self.host.split(" ")[0];
  if (!sameHost) return true;
  if (owner.pid === self.pid) return owner.token === self.token;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false; // kill(0 or -n) would signal a group
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    // EPERM: the pid exists but belongs to someone else, maybe another lmos user; leave its runs.
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Fails (stop reason "error") the created or running runs whose owner process is gone; returns them. */
export function failOrphanRuns(store: Store, completedAt = nowIso()): Promise<RunRecord[]> {
  return store.failOrphanRuns((owner) => ownerIsLive(owner, store.runOwner), completedAt);
}

/** lmos.runs over the store. */
export function runsApi(store: Store, traces: StepTraces): RunsApi {
  const get = async (id: string) => found(await store.getRun(id), `run "${id}"`);
  return {
    get,
    list: (query = {}) => store.listRuns(query),
    async messages(id, query = {}) {
      await get(id);
      return store.listRunMessages(id, query);
    },
    async steps(id) {
      await get(id);
      return store.listSteps(id);
    },
    async trace(stepId) {
      return traces.get(stepId);
    },
  };
}
