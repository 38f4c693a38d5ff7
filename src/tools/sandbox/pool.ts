// The sandbox pool: warm interpreters on worker threads, a few per language, one call at a time each.
// A call past its wall time is interrupted (KeyboardInterrupt in Python, QuickJS's interrupt handler);
// one that does not stop within the grace period, or that is cancelled and keeps running, has its
// thread terminated and replaced. A thread that dies (out of memory, a crashed interpreter) fails only
// its own call. Whatever a call does, the server's thread only ever sees messages. HTTP asked for by a
// Python call is made here, under the grant of the call the pool knows is running (never the worker's word).
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import { answerAsk } from "./http-answer.ts";
import {
  CONTROL_SLOTS,
  HTTP_READY,
  type HttpAsk,
  INTERRUPT,
  INTERRUPT_SIGNAL,
  type RunRequest,
  type WorkerData,
  type WorkerMessage,
} from "./protocol.ts";
import type { Sandbox, SandboxJob, SandboxLanguage, SandboxResult, SandboxStats } from "./types.ts";

export interface SandboxPoolOptions {
  /** Interpreters per language at most (calls beyond wait in a queue). */
  maxWorkers?: Partial<Record<SandboxLanguage, number>>;
  /** How long an interrupted call may take to stop before its thread is terminated. */
  graceMs?: number;
  /** How long an interpreter may take to start (Pyodide takes seconds). */
  bootTimeoutMs?: number;
  /** V8 heap of each worker thread (the interpreters' own heaps are WebAssembly memory, limited per call). */
  workerHeapMb?: number;
}

const DEFAULT_MAX: Record<SandboxLanguage, number> = { python: 1, javascript: 2 };

interface Pending {
  job: SandboxJob;
  resolve(r: SandboxResult): void;
  reject(e: unknown): void;
  settled: boolean;
}

interface Slot {
  language: SandboxLanguage;
  worker: Worker;
  control: Int32Array;
  http?: MessagePort;
  state: "booting" | "idle" | "busy" | "dead";
  call: { pending: Pending; id: number; timers: NodeJS.Timeout[]; started: number } | null;
}

function workerEntry(): { spec: string | URL; eval: boolean } {
  const url = new URL(`./worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
  if (!url.pathname.endsWith(".ts")) return { spec: url, eval: false };
  // Sources run through tsx (tests, `npm run lmos`): load the worker through tsx's loader as well.
  const tsx = import.meta.resolve("tsx/esm/api");
  const u = JSON.stringify(url.href);
  return { spec: `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${u}, ${u}))`, eval: true };
}

/** A pool of sandbox interpreters for Python (Pyodide) and JavaScript (QuickJS). */
export function createSandboxPool(options: SandboxPoolOptions = {}): Sandbox {
  const max = { ...DEFAULT_MAX, ...options.maxWorkers };
  const graceMs = options.graceMs ?? 1_000;
  const bootTimeoutMs = options.bootTimeoutMs ?? 120_000;
  const heapMb = options.workerHeapMb ?? 256;
  const slots: Slot[] = [];
  const queues: Record<SandboxLanguage, Pending[]> = { python: [], javascript: [] };
  const started: Record<SandboxLanguage, number> = { python: 0, javascript: 0 };
  const bootWaiters: Record<SandboxLanguage, Array<(e?: Error) => void>> = { python: [], javascript: [] };
  let nextId = 1;
  let closed = false;

  const settle = (p: Pending, r: SandboxResult | { error: unknown }) => {
    if (p.settled) return;
    p.settled = true;
    if ("error" in r) p.reject(r.error);
    else p.resolve(r);
  };

  /** Ends a worker; unless `respawn` is false, a replacement starts at once so the pool stays warm. */
  function retire(slot: Slot, respawn = true): void {
    if (slot.state === "dead") return;
    slot.state = "dead";
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    for (const t of slot.call?.timers ?? []) clearTimeout(t);
    slot.http?.close();
    void slot.worker.terminate().catch(() => {});
    if (respawn && !closed) spawn(slot.language);
  }

  function spawn(language: SandboxLanguage): void {
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
    const entry = workerEntry();
    const channel = language === "python" ? new MessageChannel() : null;
    const data: WorkerData = {
      language,
      control: control.buffer as SharedArrayBuffer,
      ...(channel ? { http: channel.port2 } : {}),
    };
    const worker = new Worker(entry.spec, {
      eval: entry.eval,
      workerData: data,
      transferList: channel ? [channel.port2] : [],
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 },
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    const slot: Slot = { language, worker, control, state: "booting", call: null };
    if (channel) {
      slot.http = channel.port1;
      channel.port1.unref();
      channel.port1.on("message", (ask: HttpAsk) => void answerHttp(slot, ask));
    }
    slots.push(slot);
    started[language]++;
    const bootTimer = setTimeout(
      () => bootFailed(`it did not start within ${bootTimeoutMs} ms`),
      bootTimeoutMs,
    );
    bootTimer.unref();
    const bootFailed = (why: string) => {
      clearTimeout(bootTimer);
      if (slot.state !== "booting") return;
      retire(slot, false);
      const err = new Error(`the ${language} sandbox failed to start: ${why}`);
      for (const w of bootWaiters[language].splice(0)) w(err);
      // Calls waiting for this interpreter fail rather than start another that would fail the same way.
      if (!slots.some((s) => s.language === language)) {
        for (const p of queues[language].splice(0)) {
          settle(p, { ok: false, kind: "crash", message: err.message, stdout: "" });
        }
      }
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "ready") {
        clearTimeout(bootTimer);
        slot.state = "idle";
        for (const w of bootWaiters[language].splice(0)) w();
        pump(language);
      } else if (m.type === "boot-failed") bootFailed(m.message);
      else if (m.type === "result") finish(slot, m);
    });
    worker.on("error", (e: Error & { code?: string }) => {
      if (slot.state === "booting") return bootFailed(e.message);
      const memory = e.code === "ERR_WORKER_OUT_OF_MEMORY";
      died(slot, memory ? "memory" : "crash", memory ? "the interpreter ran out of memory" : e.message);
    });
    worker.on("exit", (code) => {
      if (slot.state === "booting") return bootFailed(`exit code ${code}`);
      died(slot, "crash", `the interpreter exited (code ${code})`);
    });
  }

  /** Makes a Python call's HTTP request under that call's grant, then wakes the waiting worker. */
  async function answerHttp(slot: Slot, ask: HttpAsk): Promise<void> {
    const call = slot.call;
    const answer = await answerAsk(
      ask,
      call && { id: call.id, started: call.started, limits: call.pending.job.limits },
    );
    if (slot.state === "dead" || slot.call !== call) return;
    slot.http?.postMessage(answer);
    Atomics.store(slot.control, HTTP_READY, 1);
    Atomics.notify(slot.control, HTTP_READY);
  }

  function died(slot: Slot, kind: "memory" | "crash", message: string): void {
    const call = slot.call;
    retire(slot);
    if (call) settle(call.pending, { ok: false, kind, message, stdout: "" });
    pump(slot.language);
  }

  function finish(slot: Slot, m: WorkerMessage & { type: "result" }): void {
    const call = slot.call;
    if (!call || call.id !== m.id) return;
    for (const t of call.timers) clearTimeout(t);
    slot.call = null;
    const result: SandboxResult = m.ok
      ? { ok: true, value: m.value ?? "", length: m.length ?? (m.value ?? "").length, stdout: m.stdout }
      : { ok: false, kind: m.kind ?? "error", message: m.message ?? "the tool failed", stdout: m.stdout };
    settle(call.pending, result);
    if (m.recycle) retire(slot);
    else slot.state = "idle";
    pump(slot.language);
  }

  function start(slot: Slot, p: Pending): void {
    const { job } = p;
    const id = nextId++;
    const timers: NodeJS.Timeout[] = [];
    slot.state = "busy";
    const call = { pending: p, id, timers, started: Date.now() };
    slot.call = call;
    const interrupt = () => Atomics.store(slot.control, INTERRUPT, INTERRUPT_SIGNAL);
    const kill = (kind: "timeout" | "crash", message: string) => {
      if (slot.call !== call) return;
      retire(slot);
      settle(p, { ok: false, kind, message, stdout: "" });
      pump(slot.language);
    };
    timers.push(setTimeout(interrupt, job.limits.timeoutMs));
    timers.push(setTimeout(() => kill("timeout", "terminated"), job.limits.timeoutMs + graceMs));
    if (job.signal) {
      const onAbort = () => {
        interrupt();
        settle(p, { error: job.signal?.reason });
        timers.push(setTimeout(() => kill("crash", "cancelled"), graceMs));
      };
      if (job.signal.aborted) onAbort();
      else job.signal.addEventListener("abort", onAbort, { once: true });
    }
    for (const t of timers) t.unref();
    const req: RunRequest = {
      type: "run",
      id,
      source: job.source,
      entry: job.entry,
      args: job.args,
      argOrder: job.argOrder,
      env: job.env,
      agent: job.agent,
      limits: job.limits,
    };
    slot.worker.postMessage(req);
  }

  function pump(language: SandboxLanguage): void {
    if (closed) return;
    const queue = queues[language];
    while (queue.length > 0) {
      const head = queue[0];
      if (head.settled) {
        queue.shift();
        continue;
      }
      const idle = slots.find((s) => s.language === language && s.state === "idle");
      if (idle) {
        queue.shift();
        start(idle, head);
        continue;
      }
      const waiting = slots.filter((s) => s.language === language && s.state === "booting").length;
      const count = slots.filter((s) => s.language === language).length;
      if (count < max[language] && waiting < queue.length) spawn(language);
      return;
    }
  }

  return {
    run(job) {
      if (closed) return Promise.reject(new Error("the sandbox pool is closed"));
      job.signal?.throwIfAborted();
      return new Promise<SandboxResult>((resolve, reject) => {
        const p: Pending = { job, resolve, reject, settled: false };
        queues[job.language].push(p);
        job.signal?.addEventListener("abort", () => settle(p, { error: job.signal?.reason }), { once: true });
        pump(job.language);
      });
    },
    async warm(language) {
      while (slots.filter((s) => s.language === language).length < max[language]) spawn(language);
      while (slots.some((s) => s.language === language && s.state === "booting")) {
        await new Promise<void>((resolve, reject) =>
          bootWaiters[language].push((e) => (e ? reject(e) : resolve())),
        );
      }
    },
    stats(): SandboxStats[] {
      return (["javascript", "python"] as const).map((language) => {
        const own = slots.filter((s) => s.language === language);
        return {
          language,
          workers: own.length,
          busy: own.filter((s) => s.state === "busy").length,
          queued: queues[language].filter((p) => !p.settled).length,
          started: started[language],
        };
      });
    },
    async close() {
      closed = true;
      for (const language of ["python", "javascript"] as const) {
        for (const p of queues[language].splice(0))
          settle(p, { error: new Error("the sandbox pool closed") });
      }
      await Promise.all(
        [...slots].map(async (slot) => {
          const call = slot.call;
          retire(slot, false);
          if (call) settle(call.pending, { error: new Error("the sandbox pool closed") });
        }),
      );
    },
  };
}
