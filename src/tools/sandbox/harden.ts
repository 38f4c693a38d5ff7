// Runs inside a sandbox worker thread, after the interpreter has loaded and before any tool code runs:
// takes from the thread's JavaScript realm what tool code must never reach should it get hold of a JS
// object (Pyodide hands Python JS proxies; QuickJS gets none, this is defence in depth there).
// The boundary is the WebAssembly interpreter; this is the second wall behind it, not an OS sandbox.

/** Node's process members that reach outside the thread (kill the server, load native code, read files). */
const PROCESS_MEMBERS = [
  "kill",
  "dlopen",
  "binding",
  "_linkedBinding",
  "getBuiltinModule",
  "reallyExit",
  "abort",
  "chdir",
  "umask",
  "setuid",
  "setgid",
  "seteuid",
  "setegid",
  "setgroups",
  "initgroups",
  "setSourceMapsEnabled",
  "_debugProcess",
  "_debugEnd",
  "_startProfilerIdleNotifier",
  "openStdin",
];

/** Globals that open the network or start code elsewhere. */
const GLOBALS = ["fetch", "WebSocket", "EventSource", "XMLHttpRequest", "require", "module", "Worker"];

function refuse(name: string): () => never {
  return () => {
    throw new Error(`${name} is not available in the lmos sandbox`);
  };
}

/** Cuts the ways from any JS object to new code (Function constructors, eval) and to Node's host APIs. */
export function hardenRealm(): void {
  const proc = globalThis.process as unknown as Record<string, unknown> | undefined;
  if (proc) {
    for (const name of PROCESS_MEMBERS) {
      try {
        Object.defineProperty(proc, name, {
          value: refuse(`process.${name}`),
          writable: false,
          configurable: false,
        });
      } catch {
        // A member that is already non-configurable cannot be reached through it either.
      }
    }
    try {
      Object.defineProperty(proc, "env", { value: Object.freeze({}), writable: false, configurable: false });
    } catch {}
  }
  for (const name of GLOBALS) {
    try {
      Reflect.deleteProperty(globalThis, name);
    } catch {}
  }
  // From any function (a proxy's method, an array's constructor) `.constructor` is Function, which
  // compiles new code, and new code can `import()` Node's modules. Cut all four kinds of it, and eval.
  const kinds = [
    Function,
    Object.getPrototypeOf(async () => {}).constructor,
    Object.getPrototypeOf(function* () {}).constructor,
    Object.getPrototypeOf(async function* () {}).constructor,
  ] as Array<{ prototype: object }>;
  for (const kind of kinds) {
    Object.defineProperty(kind.prototype, "constructor", {
      value: refuse("Function"),
      writable: false,
      configurable: false,
    });
  }
  Object.defineProperty(globalThis, "eval", { value: refuse("eval"), writable: false, configurable: false });
  // The global Function stays an object Pyodide can test `instanceof` against and take `prototype.apply`
  // from (it does both when Python calls a JavaScript function), but calling or constructing it refuses.
  const noFunction = refuse("Function");
  Object.defineProperty(globalThis, "Function", {
    value: new Proxy(Function, { apply: noFunction, construct: noFunction }),
    writable: false,
    configurable: false,
  });
  // V8's structured stack traces hand out the functions and receivers of frames.
  Object.defineProperty(Error, "prepareStackTrace", {
    value: undefined,
    writable: false,
    configurable: false,
  });
}
