// QuickJS in a sandbox worker (chosen over isolated-vm: no native build, a hard heap cap; see
// BENCHMARKS.md, "tools"). Each call gets a runtime of its own, so nothing a call does to globals or
// prototypes survives it; the runtime's memory limit, stack limit and interrupt
// handler enforce the call's limits inside the interpreter. The guest sees only what is put in: its
// arguments, `process.env`, `console`, and `fetch`, which reaches the network only when the tool is
// granted it (network.ts).
import type {
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSSyncVariant,
  QuickJSWASMModule,
} from "quickjs-emscripten-core";
import { hardenRealm } from "./harden.ts";
import { guestFetch } from "./network.ts";
import { INTERRUPT, OutputBuffer, type RunRequest, type WorkerMessage } from "./protocol.ts";

type Result = WorkerMessage & { type: "result" };

// The interpreter's own recursion guard; below the WebAssembly stack, so deep recursion is a RangeError
// in the guest, never a crash of the module.
const STACK_BYTES = 512 * 1024;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Letta runs TypeScript/JavaScript tools as scripts: `export` keywords are dropped. */
export function scriptOf(source: string): string {
  return source.replace(/^\s*import\s[^;\n]*;?\s*$/gm, "").replace(/\bexport\s+(default\s+)?/g, "");
}

function guestPrelude(req: RunRequest, args: unknown[]): string {
  const lit = (v: unknown) => JSON.stringify(JSON.stringify(v));
  return `
globalThis.process = Object.freeze({ env: Object.freeze(JSON.parse(${lit(req.env)})) });
{
  const show = (a) => a.map((x) => typeof x === "string" ? x : (() => { try { return JSON.stringify(x); } catch { return String(x); } })()).join(" ");
  const print = __lmos_print;
  globalThis.console = Object.freeze({ log: (...a) => print(show(a)), info: (...a) => print(show(a)),
    warn: (...a) => print(show(a)), error: (...a) => print(show(a)), debug: (...a) => print(show(a)) });
}
{
  const hostFetch = __lmos_fetch;
  globalThis.fetch = async (url, init) => {
    const r = JSON.parse(await hostFetch(String(url && url.url ? url.url : url), JSON.stringify(init ?? {})));
    return { ok: r.status >= 200 && r.status < 300, status: r.status, statusText: r.statusText, url: r.url,
      headers: { get: (k) => r.headers[String(k).toLowerCase()] ?? null },
      text: async () => r.body, json: async () => JSON.parse(r.body) };
  };
}
delete globalThis.__lmos_print; delete globalThis.__lmos_fetch;
globalThis.__lmos_args = JSON.parse(${lit(args)});
`;
}

function callExpression(entry: string, cap: number): string {
  return `(async () => {
  if (typeof ${entry} !== "function") throw new ReferenceError("the source defines no function named ${entry}");
  const v = await ${entry}(...globalThis.__lmos_args);
  let s = v === undefined || v === null ? "None" : typeof v === "string" ? v : JSON.stringify(v);
  if (typeof s !== "string") s = String(v);
  return JSON.stringify({ v: ${cap > 0 ? `s.slice(0, ${cap})` : "s"}, n: s.length });
})()`;
}

interface Failure {
  kind: "timeout" | "memory" | "error";
  message: string;
}

function describe(ctx: QuickJSContext, handle: QuickJSHandle): Failure {
  let e: { name?: string; message?: string; stack?: string } | string;
  try {
    e = ctx.dump(handle);
  } catch {
    e = { name: "InternalError", message: "out of memory" };
  }
  if (typeof e !== "object" || e === null) return { kind: "error", message: `Error: ${String(e)}` };
  const text = `${e.name ?? "Error"}: ${e.message ?? ""}`;
  if (/out of memory/i.test(text)) return { kind: "memory", message: text };
  if (/interrupted/i.test(text)) return { kind: "timeout", message: text };
  const stack = (e.stack ?? "").split("\n").slice(0, 6).join("\n").trim();
  return { kind: "error", message: stack ? `${text}\n${stack}` : text };
}

/** Loads QuickJS and returns the call runner; `control` carries the pool's interrupt flag. */
export async function startJavaScript(control: Int32Array): Promise<(req: RunRequest) => Promise<Result>> {
  const { newQuickJSWASMModuleFromVariant } = await import("quickjs-emscripten-core");
  const variant = (await import("@jitl/quickjs-wasmfile-release-sync")) as unknown as QuickJSSyncVariant;
  const mod: QuickJSWASMModule = await newQuickJSWASMModuleFromVariant(variant);
  const hostFetch = globalThis.fetch;
  hardenRealm();
  return (req) => runCall(mod, req, control, hostFetch);
}

async function runCall(
  mod: QuickJSWASMModule,
  req: RunRequest,
  control: Int32Array,
  hostFetch: typeof fetch,
): Promise<Result> {
  Atomics.store(control, INTERRUPT, 0);
  const call: CallState = {
    req,
    control,
    hostFetch,
    output: new OutputBuffer(),
    deadline: Date.now() + req.limits.timeoutMs,
    pending: new Set(),
    recycle: false,
  };
  let result: Omit<Result, "type" | "id" | "stdout">;
  if (!IDENTIFIER.test(req.entry)) {
    result = { ok: false, kind: "error", message: `Error: "${req.entry}" is not a function name` };
  } else {
    const rt = mod.newRuntime();
    try {
      result = await callIn(rt, call);
    } catch (e) {
      call.recycle = true;
      result = { ok: false, kind: "crash", message: e instanceof Error ? e.message : String(e) };
    }
    try {
      // A host fetch still in flight holds handles of this runtime: it goes with the worker instead.
      if (call.pending.size === 0) rt.dispose();
      else call.recycle = true;
    } catch {
      call.recycle = true;
    }
  }
  return {
    type: "result",
    id: req.id,
    stdout: call.output.take(),
    ...result,
    ...(call.recycle ? { recycle: true } : {}),
  };
}

interface CallState {
  req: RunRequest;
  control: Int32Array;
  hostFetch: typeof fetch;
  output: OutputBuffer;
  deadline: number;
  pending: Set<Promise<unknown>>;
  recycle: boolean;
}

type Outcome = Omit<Result, "type" | "id" | "stdout">;

function installHostFunctions(ctx: QuickJSContext, call: CallState): void {
  const print = ctx.newFunction("__lmos_print", (h) => {
    call.output.push(ctx.getString(h));
  });
  ctx.setProp(ctx.global, "__lmos_print", print);
  print.dispose();
  const fetcher = ctx.newFunction("__lmos_fetch", (urlH, initH) => {
    const deferred = ctx.newPromise();
    const url = ctx.getString(urlH);
    const init = JSON.parse(ctx.getString(initH)) as { method?: string; headers?: unknown; body?: unknown };
    const op = fetchText(call, url, init).then(
      (text) => {
        const s = ctx.newString(text);
        deferred.resolve(s);
        s.dispose();
      },
      (e: unknown) => {
        const err = ctx.newError(e instanceof Error ? e.message : String(e));
        deferred.reject(err);
        err.dispose();
      },
    );
    call.pending.add(op);
    void op.finally(() => call.pending.delete(op));
    void deferred.settled.then(() => deferred.dispose());
    return deferred.handle;
  });
  ctx.setProp(ctx.global, "__lmos_fetch", fetcher);
  fetcher.dispose();
}

async function callIn(rt: QuickJSRuntime, call: CallState): Promise<Outcome> {
  const { req, control, deadline } = call;
  const stopped = () => Date.now() > deadline || Atomics.load(control, INTERRUPT) !== 0;
  rt.setMemoryLimit(req.limits.memoryMb * 1_048_576);
  rt.setMaxStackSize(STACK_BYTES);
  rt.setInterruptHandler(stopped);
  const order = req.argOrder ?? Object.keys(req.args);
  const args = order.filter((k) => k in req.args).map((k) => req.args[k]);
  const ctx = rt.newContext();
  try {
    installHostFunctions(ctx, call);
    for (const [i, code] of [guestPrelude(req, args), scriptOf(req.source)].entries()) {
      const r = ctx.evalCode(code, i === 0 ? "lmos-prelude.js" : "tool.js");
      if (r.error) {
        const f = describe(ctx, r.error);
        r.error.dispose();
        return { ok: false, ...f };
      }
      r.value.dispose();
    }
    const started = ctx.evalCode(callExpression(req.entry, req.limits.outputChars), "lmos-call.js");
    if (started.error) {
      const f = describe(ctx, started.error);
      started.error.dispose();
      return { ok: false, ...f };
    }
    const promise = started.value;
    try {
      for (;;) {
        const state = ctx.getPromiseState(promise);
        if (state.type === "fulfilled") {
          const text = ctx.getString(state.value);
          state.value.dispose();
          const { v, n } = JSON.parse(text) as { v: string; n: number };
          return { ok: true, value: v, length: n };
        }
        if (state.type === "rejected") {
          const f = describe(ctx, state.error);
          state.error.dispose();
          return { ok: false, ...f };
        }
        const jobs = rt.executePendingJobs();
        if (jobs.error) {
          const f = describe(ctx, jobs.error);
          jobs.error.dispose();
          return { ok: false, ...f };
        }
        if (jobs.value > 0) continue;
        if (call.pending.size === 0) {
          return {
            ok: false,
            kind: "error",
            message: "Error: the tool returned a promise that never settles",
          };
        }
        await waitForHost(call.pending, deadline, control);
        if (stopped()) return { ok: false, kind: "timeout", message: "interrupted" };
      }
    } finally {
      promise.dispose();
    }
  } finally {
    try {
      ctx.dispose();
    } catch {
      call.recycle = true;
    }
  }
}

/** Waits until one host operation settles, the deadline passes, or the pool interrupts. */
async function waitForHost(
  pending: Set<Promise<unknown>>,
  deadline: number,
  control: Int32Array,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const tick = new Promise<void>((resolve) => {
    const check = () => {
      if (Date.now() > deadline || Atomics.load(control, INTERRUPT) !== 0) resolve();
      else timer = setTimeout(check, 20);
    };
    check();
  });
  try {
    await Promise.race([tick, ...pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** The guest's fetch: through the sandbox's network rules (grant, allowed hosts), the body as text. */
async function fetchText(
  call: CallState,
  url: string,
  init: { method?: string; headers?: unknown; body?: unknown },
): Promise<string> {
  const headers: Record<string, string> = {};
  if (init.headers && typeof init.headers === "object") {
    for (const [k, v] of Object.entries(init.headers as Record<string, unknown>)) headers[k] = String(v);
  }
  const res = await guestFetch(
    call.hostFetch,
    {
      url,
      method: init.method,
      headers,
      body: init.body === undefined || init.body === null ? undefined : String(init.body),
    },
    call.req.limits,
    call.deadline,
  );
  const body = new TextDecoder().decode(res.body);
  return JSON.stringify({ ...res, body });
}
