// Pyodide in a sandbox worker. Before Pyodide instantiates its WebAssembly, the imports that would run
// a shell (os.system) or open sockets are replaced by ones that fail, and every growth of linear memory
// is checked against the running call's memory limit (a refused growth is a MemoryError in Python).
// Pyodide's core (interpreter and standard library) ships in the npm package: nothing is downloaded.
// Grants: a granted directory is mounted at /data for the call (python-fs.ts); `urllib.request` sends
// its requests to the pool, which makes them under the call's network grant (the prelude's handler).
import { fileURLToPath } from "node:url";
import { type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { hardenRealm } from "./harden.ts";
import {
  HTTP_READY,
  type HttpAnswer,
  type HttpAsk,
  INTERRUPT,
  OutputBuffer,
  type RunRequest,
  type WorkerMessage,
} from "./protocol.ts";
import { type EmscriptenFs, grantMounter } from "./python-fs.ts";
import { PYTHON_PRELUDE } from "./python-prelude.ts";

// Emscripten errno EPERM and musl's EAI_FAIL.
const EPERM = -63;
const EAI_FAIL = -4;
const DENIED_IMPORTS: Record<string, number> = {
  _emscripten_system: -1,
  __syscall_socket: EPERM,
  __syscall_connect: EPERM,
  __syscall_bind: EPERM,
  __syscall_listen: EPERM,
  __syscall_accept4: EPERM,
  __syscall_sendto: EPERM,
  __syscall_sendmsg: EPERM,
  __syscall_recvfrom: EPERM,
  __syscall_recvmsg: EPERM,
  __syscall_getsockname: EPERM,
  __syscall_getsockopt: EPERM,
  getaddrinfo: EAI_FAIL,
  _maybe_connect_async: EPERM,
  _maybe_recvfrom_async: EPERM,
  _maybe_sendto_async: EPERM,
};

interface MemoryCap {
  /** Bytes linear memory may reach in this call (Infinity between calls). */
  limit: number;
  hit: boolean;
}

// The WebAssembly global, typed as far as this file uses it (the project's lib has no WebAssembly types).
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
type Imports = Record<string, Record<string, unknown>>;
const Wasm = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate: (source: unknown, imports?: Imports) => Promise<unknown>;
      Memory: { prototype: WasmMemory };
    };
  }
).WebAssembly;

function denyHostImports(): void {
  const instantiate = Wasm.instantiate;
  Wasm.instantiate = function (this: unknown, source: unknown, imports?: Imports) {
    const env = imports?.env;
    if (env) {
      for (const [name, ret] of Object.entries(DENIED_IMPORTS)) if (name in env) env[name] = () => ret;
    }
    return instantiate.call(this, source, imports);
  };
}

function capMemory(cap: MemoryCap): void {
  const grow = Wasm.Memory.prototype.grow;
  Wasm.Memory.prototype.grow = function (this: WasmMemory, pages: number) {
    if (this.buffer.byteLength + pages * 65_536 > cap.limit) {
      cap.hit = true;
      throw new RangeError("lmos sandbox memory limit");
    }
    return grow.call(this, pages);
  };
}

/** The synchronous HTTP of one call: asks the pool on `port` and waits (interruptibly) for its answer. */
function httpBridge(port: MessagePort | undefined, control: Int32Array) {
  const state = { id: 0, seq: 0, deadline: 0 };
  const ask = (json: string): string => {
    if (!port) return JSON.stringify({ ok: false, error: "the sandbox has no network channel" });
    while (receiveMessageOnPort(port)) {}
    const seq = ++state.seq;
    Atomics.store(control, HTTP_READY, 0);
    port.postMessage({ id: state.id, seq, request: JSON.parse(json) } satisfies HttpAsk);
    for (;;) {
      if (Atomics.load(control, INTERRUPT) !== 0) {
        return JSON.stringify({ ok: false, error: "interrupted" });
      }
      const left = state.deadline - Date.now();
      if (left <= 0) return JSON.stringify({ ok: false, error: "the request ran out of time" });
      Atomics.wait(control, HTTP_READY, 0, Math.min(left, 50));
      if (Atomics.load(control, HTTP_READY) === 0) continue;
      Atomics.store(control, HTTP_READY, 0);
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const answer = m.message as HttpAnswer;
        if (answer.id === state.id && answer.seq === seq) return JSON.stringify(answer);
      }
    }
  };
  return { state, ask };
}

/** Boots Pyodide and returns the call runner; `control` is the shared interrupt buffer. */
export async function startPython(
  control: Int32Array,
  httpPort?: MessagePort,
): Promise<(req: RunRequest) => WorkerMessage & { type: "result" }> {
  const cap: MemoryCap = { limit: Number.POSITIVE_INFINITY, hit: false };
  denyHostImports();
  capMemory(cap);
  // Proof that start-up needs no network: there is no fetch to download anything with.
  Reflect.deleteProperty(globalThis, "fetch");
  const output = new OutputBuffer();
  const { loadPyodide } = await import("pyodide");
  // The package's own folder: Pyodide guesses it from the caller's stack, which a loader can hide.
  const indexURL = fileURLToPath(new URL(".", import.meta.resolve("pyodide")));
  const py = await loadPyodide({
    indexURL,
    jsglobals: Object.create(null),
    env: { HOME: "/home/pyodide" },
    stdout: (s: string) => output.push(s),
    stderr: (s: string) => output.push(s),
  });
  py.setInterruptBuffer(control.subarray(INTERRUPT, INTERRUPT + 1));
  const http = httpBridge(httpPort, control);
  py.globals.set("_lmos_host_http", http.ask);
  py.runPython(PYTHON_PRELUDE);
  const mountGrant = grantMounter(py.FS as unknown as EmscriptenFs);
  const run = py.globals.get("_lmos_run") as (json: string) => string;
  py.unregisterJsModule("js");
  py.unregisterJsModule("pyodide_js");
  const heap = () => (py as unknown as { _module: { HEAP8: Int8Array } })._module.HEAP8.length;
  const bootBytes = heap();
  hardenRealm();

  return (req) => {
    Atomics.store(control, INTERRUPT, 0);
    cap.hit = false;
    cap.limit = heap() + req.limits.memoryMb * 1_048_576;
    http.state.id = req.id;
    http.state.deadline = Date.now() + req.limits.timeoutMs;
    let unmount: (() => void) | null = null;
    try {
      if (req.limits.filesystem) unmount = mountGrant(req.limits.filesystem);
    } catch (e) {
      cap.limit = Number.POSITIVE_INFINITY;
      const why = e instanceof Error ? e.message : String(e);
      return {
        type: "result",
        id: req.id,
        ok: false,
        kind: "error",
        message: `Error: the directory granted to this tool cannot be mounted: ${why}`,
        stdout: "",
      };
    }
    const result = execute(req);
    try {
      unmount?.();
    } catch {
      result.recycle = true;
    }
    return result;
  };

  function execute(req: RunRequest): WorkerMessage & { type: "result" } {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(run(JSON.stringify(req)));
    } catch (e) {
      // Pyodide raises here only when the interpreter itself failed (a fatal error): it is unusable.
      cap.limit = Number.POSITIVE_INFINITY;
      const message = e instanceof Error ? e.message : String(e);
      return {
        type: "result",
        id: req.id,
        ok: false,
        kind: cap.hit ? "memory" : "crash",
        message: message.split("\n").slice(0, 3).join(" "),
        stdout: output.take(),
        recycle: true,
      };
    }
    cap.limit = Number.POSITIVE_INFINITY;
    const kind = parsed.kind === "error" && cap.hit ? "memory" : parsed.kind;
    // Linear memory never shrinks: an interpreter that grew far past its start is replaced.
    const grown = heap() > bootBytes + 2 * req.limits.memoryMb * 1_048_576;
    return {
      type: "result",
      id: req.id,
      ok: parsed.ok === true,
      value: parsed.value as string | undefined,
      length: parsed.length as number | undefined,
      kind: kind as "error" | undefined,
      message: parsed.message as string | undefined,
      stdout: output.take(),
      recycle: parsed.recycle === true || grown,
    };
  }
}
