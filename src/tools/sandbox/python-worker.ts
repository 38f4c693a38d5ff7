// Pyodide in a sandbox worker. Before Pyodide instantiates its WebAssembly, the imports that would run
// a shell (os.system) or open sockets are replaced by ones that fail, and every growth of linear memory
// is checked against the running call's memory limit (a refused growth is a MemoryError in Python).
// Pyodide's core (interpreter and standard library) ships in the npm package: nothing is downloaded.
import { fileURLToPath } from "node:url";
import { hardenRealm } from "./harden.ts";
import { INTERRUPT, OutputBuffer, type RunRequest, type WorkerMessage } from "./protocol.ts";
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

/** Boots Pyodide and returns the call runner; `control` is the shared interrupt buffer. */
export async function startPython(
  control: Int32Array,
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
  py.setInterruptBuffer(control);
  py.runPython(PYTHON_PRELUDE);
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
  };
}
