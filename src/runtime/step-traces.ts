// The exact requests of recent steps, kept in this process's memory for the web UI's run view (Letta's
// provider traces, GET /v1/steps/{id}/trace). Not in the store: a request holds the whole context window
// (tens of KB per step), and writing it into every step's transaction would multiply the WAL a step writes
// (`npm run bench -- commit`). So the newest `capacity` steps this process ran are kept, the oldest dropped
// first; a step of another process, or from before a restart, has no trace (null, as Letta answers when
// it recorded none).
import type { StepTrace } from "../kernel/index.ts";

/** A recorded step trace with its request decoded. */
export interface StepTraceView {
  stepId: string;
  runId: string;
  agentId: string;
  stepIndex: number;
  model: string;
  /** The request body the driver sent (null when the driver did not report it). */
  request: unknown;
  response: StepTrace["response"];
  createdAt: string;
}

/** Default number of steps whose requests are kept ($LMOS_STEP_TRACES overrides; 0 keeps none). */
export const DEFAULT_STEP_TRACES = 200;

/** A bounded, insertion-ordered map of step id → trace. */
export class StepTraces {
  private readonly traces = new Map<string, StepTrace>();

  constructor(readonly capacity: number) {}

  /** Keeps a step's trace, dropping the oldest past the capacity. */
  record = (trace: StepTrace): void => {
    if (this.capacity <= 0) return;
    this.traces.set(trace.stepId, trace);
    while (this.traces.size > this.capacity) {
      const oldest = this.traces.keys().next().value as string;
      this.traces.delete(oldest);
    }
  };

  /** The trace of a step, its request decoded, or null when it is not kept. */
  get(stepId: string): StepTraceView | null {
    const t = this.traces.get(stepId);
    if (!t) return null;
    const { request, ...rest } = t;
    return { ...rest, request: request ? request() : null };
  }
}
