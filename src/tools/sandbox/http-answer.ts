// The pool's side of a Python call's HTTP request: made under the grant of the call the pool knows is
// running (the worker's word is never taken for it), answered with the body in base64 or with why not.
import { guestFetch } from "./network.ts";
import type { HttpAnswer, HttpAsk } from "./protocol.ts";
import type { SandboxLimits } from "./types.ts";

/** The running call of the worker that asked: its id, when it started, and its limits and grants. */
export interface RunningCall {
  id: number;
  started: number;
  limits: SandboxLimits;
}

/** Answers `ask` for `call` (null when the worker runs nothing). */
export async function answerAsk(ask: HttpAsk, call: RunningCall | null): Promise<HttpAnswer> {
  const { id, seq } = ask;
  if (!call || call.id !== id) return { id, seq, ok: false, error: "no call is running" };
  try {
    const deadline = call.started + call.limits.timeoutMs;
    const r = await guestFetch(fetch, { ...ask.request, bodyBase64: true }, call.limits, deadline);
    return { id, seq, ok: true, ...r, body: Buffer.from(r.body).toString("base64") };
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    const message = e instanceof Error ? e.message : String(e);
    return { id, seq, ok: false, error: cause ? `${message}: ${cause}` : message };
  }
}
