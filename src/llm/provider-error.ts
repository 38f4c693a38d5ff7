// Turns an SDK failure (after the SDK's own retries) into an LmosError a user can act on.
import OpenAI from "openai";
import { LmosError } from "../errors.ts";
import { retryAfterMs } from "./node-fetch.ts";

/** What a driver knows about the call that failed, for the error message. */
export interface CallContext {
  provider: string;
  model: string;
  baseURL: string;
  timeoutMs: number;
  maxRetries: number;
  signal?: AbortSignal;
}

/** The error classes an SDK exports (OpenAI's and Anthropic's share these names and meanings). */
export interface SdkErrors {
  APIUserAbortError: abstract new (...args: any[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: any[]) => Error;
  APIConnectionError: abstract new (...args: any[]) => Error;
  APIError: abstract new (
    ...args: any[]
  ) => Error & { status?: number; error?: unknown; headers?: Headers | Record<string, string> };
}

function isAbort(e: unknown, sdk: SdkErrors, signal?: AbortSignal): boolean {
  return (
    signal?.aborted === true ||
    e instanceof sdk.APIUserAbortError ||
    (e instanceof Error && e.name === "AbortError")
  );
}

/** The provider's own message, from the SDK error's body when there is one. */
function providerMessage(e: { message: string; error?: unknown }): string {
  const body = e.error as any;
  const inner = body?.error?.message ?? body?.message;
  return typeof inner === "string" && inner ? inner : e.message;
}

/** Maps an SDK error to LmosError("cancelled" | "provider_timeout" | "provider_error"), cause attached. */
export function toProviderError(e: unknown, ctx: CallContext, sdk: SdkErrors = OpenAI): LmosError {
  if (e instanceof LmosError) return e;
  const who = `${ctx.provider}/${ctx.model}`;
  const tries =
    ctx.maxRetries > 0 ? ` (after ${ctx.maxRetries} ${ctx.maxRetries === 1 ? "retry" : "retries"})` : "";
  if (isAbort(e, sdk, ctx.signal))
    return new LmosError("cancelled", `The call to ${who} was cancelled`, { cause: e });
  if (e instanceof sdk.APIConnectionTimeoutError) {
    return new LmosError(
      "provider_timeout",
      `${who} did not answer within ${ctx.timeoutMs} ms${tries}; raise LMOS_LLM_TIMEOUT_MS or check the server at ${ctx.baseURL}`,
      { cause: e },
    );
  }
  if (e instanceof sdk.APIConnectionError) {
    return new LmosError("provider_error", `Could not reach ${who} at ${ctx.baseURL}${tries}: ${e.message}`, {
      cause: e,
    });
  }
  if (e instanceof sdk.APIError) {
    const status = e.status ?? "?";
    const headers = e.headers instanceof Headers ? e.headers : new Headers(e.headers ?? {});
    const wait = retryAfterMs(headers);
    const refused = headers.get("x-should-retry") === "false";
    const retried = !refused && (e.status === 408 || e.status === 429 || (e.status ?? 0) >= 500);
    const hint =
      status === 401 || status === 403
        ? " (check the API key)"
        : wait !== null && refused
          ? ` (it asks to retry in ${Math.ceil(wait / 1000)} s: longer than lmos waits inside a run, so the run stopped; send again later)`
          : "";
    return new LmosError(
      "provider_error",
      `${who} failed with HTTP ${status}${retried ? tries : ""}: ${providerMessage(e)}${hint}`,
      { cause: e },
    );
  }
  const message = e instanceof Error ? e.message : String(e);
  // A connection dropped in the middle of a streamed reply surfaces as a bare "aborted"/"terminated".
  if (
    /^(aborted|terminated|socket hang up)$/i.test(message) ||
    (e as { code?: string })?.code === "ECONNRESET"
  ) {
    return new LmosError(
      "provider_error",
      `the connection to ${who} dropped before the reply was complete (${message}); nothing of this step was stored`,
      { cause: e },
    );
  }
  return new LmosError("provider_error", `${who} failed: ${message}`, { cause: e });
}
