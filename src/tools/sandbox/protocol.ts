// Messages between the pool (main thread) and a sandbox worker. The worker also shares an Int32Array with
// the pool: a non-zero INTERRUPT slot asks the running call to stop (Pyodide raises KeyboardInterrupt,
// QuickJS's interrupt handler fires); the pool terminates the thread if the call does not stop in time.
// A Python call's HTTP request goes to the pool over the `http` port while the worker waits on the HTTP
// slot; the pool answers on the port, then sets the slot and wakes it (Python code is synchronous).
import type { MessagePort } from "node:worker_threads";
import type { GuestRequest } from "./network.ts";
import type { SandboxFailureKind, SandboxJob, SandboxLanguage } from "./types.ts";

/** Index of the interrupt flag in the shared Int32Array; 2 is SIGINT for Pyodide's interrupt buffer. */
export const INTERRUPT = 0;
export const INTERRUPT_SIGNAL = 2;
/** Index of the "HTTP answer ready" flag in the shared Int32Array. */
export const HTTP_READY = 1;
/** Slots of the shared Int32Array. */
export const CONTROL_SLOTS = 2;

export interface WorkerData {
  language: SandboxLanguage;
  control: SharedArrayBuffer;
  /** The worker's end of the HTTP channel (Python workers). */
  http?: MessagePort;
}

/** A call's HTTP request, worker to pool, on the HTTP port. */
export interface HttpAsk {
  /** The call's id, and the ask's number within the call (a late answer to an abandoned ask is dropped). */
  id: number;
  seq: number;
  request: GuestRequest;
}

/** The pool's answer: the response (body in base64) or why there is none. */
export type HttpAnswer =
  | {
      id: number;
      seq: number;
      ok: true;
      status: number;
      statusText: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    }
  | { id: number; seq: number; ok: false; error: string };

/** A call as the worker receives it: the job without its language (the worker has one) and signal
 * (cancellation goes through the control buffer). */
export type RunRequest = { type: "run"; id: number } & Omit<SandboxJob, "language" | "signal">;

export type WorkerMessage =
  | { type: "ready" }
  | { type: "boot-failed"; message: string }
  | {
      type: "result";
      id: number;
      ok: boolean;
      value?: string;
      length?: number;
      kind?: SandboxFailureKind;
      message?: string;
      stdout: string;
      /** The interpreter may carry state from this call (a changed builtin, memory it grew): replace it. */
      recycle?: boolean;
    };

/** Characters of printed output kept per call. */
export const STDOUT_CHARS = 4_000;

/** Appends to a bounded buffer of printed output. */
export class OutputBuffer {
  private text = "";
  private dropped = 0;
  push(s: string): void {
    if (this.text.length >= STDOUT_CHARS) {
      this.dropped += s.length;
      return;
    }
    this.text += this.text ? `\n${s}` : s;
    if (this.text.length > STDOUT_CHARS) {
      this.dropped += this.text.length - STDOUT_CHARS;
      this.text = this.text.slice(0, STDOUT_CHARS);
    }
  }
  take(): string {
    const out = this.dropped
      ? `${this.text}\n... [${this.dropped} more characters of output dropped]`
      : this.text;
    this.text = "";
    this.dropped = 0;
    return out;
  }
}
