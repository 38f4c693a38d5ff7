// A signal of its own for each provider call, following the run's. The SDKs add an abort listener to the
// signal they are given and never remove it: given the run's signal, a run of 50 steps left 50 listeners
// on it (Node warned: "MaxListenersExceededWarning … 11 abort listeners"). The call's own signal goes
// away with the call; the one listener on the run's signal is removed when the call ends.

/** Runs `call` with a signal that aborts when `signal` does, detached from it afterwards. */
export async function withCallSignal<T>(
  signal: AbortSignal | undefined,
  call: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!signal) return call(undefined);
  const own = new AbortController();
  const follow = () => own.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener("abort", follow, { once: true });
  try {
    return await call(own.signal);
  } finally {
    signal.removeEventListener("abort", follow);
  }
}
