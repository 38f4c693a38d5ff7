// One run per agent across processes: the per-agent queue (queue.ts) orders the runs of this process, and
// the agent's lease row in the database orders them among every process sharing it (two `lmos serve` on
// one home, `lmos send` beside a server). A task takes the lease first — waiting while another holder has
// it, taking it over at once when that holder's process is gone or once it lapsed — renews it while it
// runs, and gives it back at its end: in the run's last commit when it can (no write of its own), else
// here. Every commit of the run carries the lease's fence, so a holder that stalled past expiry and was
// taken over cannot write over its successor.
import type { AgentLease, LeaseHolder, LeaseUse, Store } from "../store/types.ts";

/** How runs take agent leases (runtime sets it; without it a runner serialises within its process only). */
export interface LeasePolicy {
  /** A lease lapses this long after its last renewal (renewed every third of it while a task runs). */
  ttlMs: number;
  /** Whether a current holder is gone (its process died), so the lease may be taken before it lapses. */
  canTakeOver(holder: LeaseHolder): boolean;
}

/** The lease a task runs under; `released` is set once a commit gave it back. */
export interface HeldLease extends LeaseUse {
  released: boolean;
}

/** Thrown when a task is cancelled while it waits for another holder's lease (it never started). */
export class LeaseWaitCancelled extends Error {
  override readonly name = "LeaseWaitCancelled";
}

const FIRST_WAIT_MS = 2;
const MAX_WAIT_MS = 100;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function acquire(
  store: Store,
  holder: string,
  agentId: string,
  policy: LeasePolicy,
  signal?: AbortSignal,
): Promise<AgentLease> {
  let wait = FIRST_WAIT_MS;
  for (;;) {
    // The first attempt ignores cancellation: a run cancelled while only queued here starts anyway and
    // records itself cancelled (the kernel's way); only waiting on another holder can be cut short.
    const got = await store.acquireAgentLease(agentId, holder, policy.ttlMs, (h) => policy.canTakeOver(h));
    if ("lease" in got) return got.lease;
    // Poll: the holder's release is a row update another process cannot signal across the file. Capped
    // so that a lease given back is picked up soon; never past the holder's expiry.
    const untilExpiry = Math.max(1, got.heldBy.expiresAt - Date.now());
    try {
      await sleep(Math.min(wait, untilExpiry), signal);
    } catch {
      throw new LeaseWaitCancelled(
        `cancelled while waiting for agent ${agentId}, which another process runs`,
      );
    }
    wait = Math.min(wait * 2, MAX_WAIT_MS);
  }
}

/** Runs `task` holding the agent's lease (no policy: just runs it). */
export async function withAgentLease<T>(
  store: Store,
  holder: string,
  agentId: string,
  policy: LeasePolicy | undefined,
  signal: AbortSignal | undefined,
  task: (lease: HeldLease | undefined) => Promise<T>,
): Promise<T> {
  if (!policy) return task(undefined);
  let lease = await acquire(store, holder, agentId, policy, signal);
  const held: HeldLease = { fence: lease.fence, released: false };
  const renew = setInterval(
    () =>
      void store
        .renewAgentLease(lease, policy.ttlMs)
        .then((next) => {
          if (next) lease = next;
        })
        .catch(() => {
          // a renewal that fails (agent deleted, store closing) leaves the lease to lapse; the fence
          // keeps the run's later commits from landing if someone else takes it meanwhile
        }),
    Math.max(1, Math.floor(policy.ttlMs / 3)),
  );
  renew.unref();
  try {
    return await task(held);
  } finally {
    clearInterval(renew);
    if (!held.released) await store.releaseAgentLease(lease).catch(() => {});
  }
}
