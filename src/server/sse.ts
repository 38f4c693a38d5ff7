// Server-sent events as Letta frames them: `data: <json>` per message, `event: error` for a failure,
// `data: [DONE]` at the end, optional keepalive pings. Writes after the client went away are dropped,
// never thrown, so whoever produces events can keep going (a run must finish even if nobody listens).
import { randomUUID } from "node:crypto";

/** Where a streaming route writes its frames. */
export interface SseSink {
  /** A `data:` frame with a JSON value. */
  send(data: unknown): void;
  /** A named event (`event: error`), which the Letta client turns into an exception. */
  event(name: string, data: unknown): void;
  /** The `data: [DONE]` terminator. */
  done(): void;
  /** True once the client disconnected or the stream ended. */
  readonly closed: boolean;
}

export interface SseOptions {
  /** Milliseconds between keepalive pings; 0 or undefined for none. */
  pingMs?: number;
  /** Extra fields of each ping (run id, last seq id). */
  pingFields?: () => Record<string, unknown>;
  /** The request's signal: aborts when the client disconnects. */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

/** A text/event-stream response whose frames `produce` writes; the stream ends when `produce` settles. */
export function sseResponse(produce: (sink: SseSink) => Promise<void>, options: SseOptions = {}): Response {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  const stop = () => {
    closed = true;
    if (timer) clearInterval(timer);
    timer = null;
  };
  const write = (text: string) => {
    if (closed || !controller) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      stop();
    }
  };
  const sink: SseSink = {
    send: (data) => write(`data: ${JSON.stringify(data)}\n\n`),
    event: (name, data) => write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
    done: () => write("data: [DONE]\n\n"),
    get closed() {
      return closed;
    },
  };
  options.signal?.addEventListener("abort", stop, { once: true });

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (options.pingMs) {
        timer = setInterval(() => {
          sink.send({
            message_type: "ping",
            id: `ping-${randomUUID()}`,
            date: new Date().toISOString(),
            ...options.pingFields?.(),
          });
        }, options.pingMs);
        timer.unref();
      }
      produce(sink)
        .catch((err) => console.error("lmos server: stream producer failed:", err))
        .finally(() => {
          const wasOpen = !closed;
          stop();
          if (wasOpen) {
            try {
              c.close();
            } catch {
              // already closed by a disconnect
            }
          }
        });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
