// Sending with streaming: the run as Letta SSE. The run is never tied to the connection: if the client goes
// away, the loop keeps consuming events (frames are dropped) so every step still commits.
import type { Context } from "hono";
import type { AgentEvent } from "../../kernel/events.ts";
import type { AgentHandle, Lmos } from "../../runtime/types.ts";
import { describeError } from "../http-error.ts";
import { stopReasonOf, usageOf } from "../letta/messages.ts";
import { StreamTranslator } from "../letta/stream-translator.ts";
import type { SendMessageBody } from "../schemas/messages.ts";
import { type SseSink, sseResponse } from "../sse.ts";
import { replyModeOf } from "./context.ts";
import { PING_MS, runFailed, runInputOf, runOptionsOf, typeFilter } from "./send.ts";

// How long the answer waits for the run's first visible output before committing to a 200 stream; a run
// that fails within it is answered with a plain HTTP error, as Letta does before its first chunk. Never longer
// than the ping interval, so a slow model still gets its keepalives.
const PEEK_MS = 1_000;

function isVisible(e: AgentEvent): boolean {
  if (e.type === "message") return e.message.role === "assistant" || e.message.role === "tool";
  return e.type === "reasoning-delta" || e.type === "text-delta" || e.type === "tool-call-delta";
}

function errorFrame(error: { code: string; message: string }, runId: string | null) {
  return {
    message_type: "error_message",
    error_type: error.code,
    message: error.message,
    detail: error.message,
    run_id: runId,
  };
}

type Next = Promise<IteratorResult<AgentEvent>>;

/** Waits for the run's first visible event (or its end, or PEEK_MS); returns what arrived and what is next. */
async function peek(
  events: AsyncIterator<AgentEvent>,
  waitMs: number,
): Promise<{ pending: AgentEvent[]; next: Next | null }> {
  const pending: AgentEvent[] = [];
  let next: Next | null = events.next();
  const deadline = Date.now() + waitMs;
  while (next) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), remaining);
    });
    const r = await Promise.race([next, timeout]);
    clearTimeout(timer);
    if (r === null) break; // still waiting: `next` stays pending for the stream to pick up
    if (r.done) {
      next = null;
      break;
    }
    pending.push(r.value);
    next = events.next();
    if (isVisible(r.value) || r.value.type === "run-end") break;
  }
  return { pending, next };
}

/** Streams the run as Letta SSE; a run that fails before any output gets an ordinary HTTP error. */
export async function sendStream(
  c: Context,
  lmos: Lmos,
  handle: AgentHandle,
  body: SendMessageBody,
  pingMs = PING_MS,
): Promise<Response> {
  const input = await runInputOf(body, handle);
  const replyMode = await replyModeOf(lmos, handle.id);
  const events = handle
    .stream(input, runOptionsOf(body, body.stream_tokens ?? false))
    [Symbol.asyncIterator]();
  const pings = body.include_pings === false ? 0 : pingMs;
  const { pending, next: firstNext } = await peek(events, pings ? Math.min(PEEK_MS, pings) : PEEK_MS);
  const failure = pending.find((e) => e.type === "run-error");
  const finish = pending.find((e) => e.type === "run-end");
  if (failure && finish && !pending.some(isVisible)) {
    return runFailed(c, failure, finish.stopReason, finish.runId);
  }

  const keep = typeFilter(body);
  const translator = new StreamTranslator(replyMode);
  let runId: string | null = pending[0]?.runId ?? null;
  let lastSeq = 0;
  let error: { code: string; message: string } | null = null;
  const emit = (sink: SseSink, e: AgentEvent) => {
    runId = e.runId;
    if (e.type === "run-error") {
      error = { code: e.code, message: e.message };
    } else if (e.type === "run-end") {
      sink.send(stopReasonOf(e.stopReason));
      if (error) {
        sink.event("error", errorFrame(error, e.runId));
      } else {
        sink.send(usageOf(e.usage, e.runId));
        sink.done();
      }
    } else {
      for (const m of translator.translate(e)) {
        lastSeq = typeof m.seq_id === "number" ? m.seq_id : lastSeq;
        if (keep(m)) sink.send(m);
      }
    }
  };
  const produce = async (sink: SseSink) => {
    try {
      for (const e of pending) emit(sink, e);
      for (let next = firstNext; next; ) {
        const r = await next;
        if (r.done) break;
        next = events.next();
        emit(sink, r.value);
      }
    } catch (err) {
      const { body: eb } = describeError(err);
      sink.send(stopReasonOf("error"));
      sink.event("error", errorFrame({ code: eb.code, message: eb.message }, runId));
    }
  };
  return sseResponse(produce, {
    pingMs: pings,
    pingFields: () => ({ run_id: runId, seq_id: lastSeq }),
    signal: c.req.raw.signal,
  });
}
