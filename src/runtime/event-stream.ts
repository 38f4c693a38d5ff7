// Turns a run's event callback into an async iterable. The run never depends on the consumer: if the
// consumer stops reading (a client disconnects), the run goes on and commits its steps; events are dropped.
import type { AgentEvent } from "../kernel/index.ts";

/** Starts `start(push)` and yields every pushed event until `run-end`, or rethrows start's failure. */
export function eventStream(
  start: (push: (e: AgentEvent) => void) => Promise<unknown>,
): AsyncIterable<AgentEvent> {
  return {
    [Symbol.asyncIterator]() {
      const buffer: AgentEvent[] = [];
      let wake: (() => void) | null = null;
      let done = false;
      let failure: unknown = null;
      let detached = false;
      const notify = () => {
        const w = wake;
        wake = null;
        w?.();
      };
      const push = (e: AgentEvent) => {
        if (detached) return;
        buffer.push(e);
        notify();
      };
      start(push).then(
        () => {
          done = true;
          notify();
        },
        (e: unknown) => {
          failure = e ?? new Error("run failed");
          done = true;
          notify();
        },
      );
      return {
        async next(): Promise<IteratorResult<AgentEvent>> {
          for (;;) {
            const e = buffer.shift();
            if (e) return { value: e, done: false };
            if (failure) {
              const f = failure;
              failure = null;
              throw f;
            }
            if (done || detached) return { value: undefined, done: true };
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        },
        async return(): Promise<IteratorResult<AgentEvent>> {
          detached = true;
          buffer.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
