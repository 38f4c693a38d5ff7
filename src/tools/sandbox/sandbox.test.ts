// The sandbox pool against hostile code: each attack is contained (a limit error, a refused capability,
// nothing changed on the host), and the next call of a healthy tool in the same pool works. One pool for
// the file, so Pyodide starts once (plus the replacements the attacks force).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxPool } from "./pool.ts";
import type { Sandbox, SandboxJob, SandboxLanguage, SandboxResult } from "./types.ts";

const LIMITS = { timeoutMs: 1_500, memoryMb: 48, outputChars: 1_000, network: false };
const SLOW = 180_000;

let pool: Sandbox;
let scratch: string;
beforeAll(async () => {
  // Two Python interpreters: while one that an attack spoiled is replaced, the other serves the next call.
  pool = createSandboxPool({ graceMs: 500, maxWorkers: { python: 2, javascript: 1 } });
  scratch = mkdtempSync(join(tmpdir(), "lmos-sandbox-"));
  await Promise.all([pool.warm("python"), pool.warm("javascript")]);
}, SLOW);
afterAll(async () => {
  await pool.close();
  rmSync(scratch, { recursive: true, force: true });
});

function run(
  language: SandboxLanguage,
  source: string,
  extra: Partial<SandboxJob> = {},
): Promise<SandboxResult> {
  return pool.run({
    language,
    source,
    entry: "f",
    args: {},
    env: {},
    ...extra,
    limits: { ...LIMITS, ...extra.limits },
  });
}

async function value(language: SandboxLanguage, source: string, extra: Partial<SandboxJob> = {}) {
  const r = await run(language, source, extra);
  if (!r.ok) throw new Error(`expected success, got ${r.kind}: ${r.message}`);
  return r.value;
}

const healthyJs = () => value("javascript", "function f(a, b) { return a * b }", { args: { a: 6, b: 7 } });
const healthyPy = () =>
  value("python", "def f(a: int, b: int) -> int:\n    return a * b", { args: { a: 6, b: 7 } });

describe("JavaScript tools in QuickJS", () => {
  it("calls an exported function with positional arguments, env and console", async () => {
    const r = await run(
      "javascript",
      "export function f(name, n) { console.log('called', n); return process.env.GREETING + ', ' + name + ' x' + n }",
      { args: { n: 2, name: "Ada" }, argOrder: ["name", "n"], env: { GREETING: "Hello" } },
    );
    expect(r).toMatchObject({ ok: true, value: "Hello, Ada x2", stdout: "called 2" });
    expect(await value("javascript", "async function f() { return { a: [1, 2] } }")).toBe('{"a":[1,2]}');
  });

  it("stops an infinite loop at the wall-time limit", async () => {
    const r = await run("javascript", "function f() { for (;;) {} }");
    expect(r).toMatchObject({ ok: false, kind: "timeout" });
    expect(await healthyJs()).toBe("42");
  });

  it("stops a memory bomb at the memory limit", async () => {
    const r = await run(
      "javascript",
      "function f() { const big = 'x'.repeat(1 << 20); const a = []; for (;;) a.push(big + a.length); }",
      { limits: { ...LIMITS, timeoutMs: 20_000 } },
    );
    expect(r).toMatchObject({ ok: false, kind: "memory" });
    expect(await healthyJs()).toBe("42");
  });

  it("turns deep recursion into an error", async () => {
    const r = await run("javascript", "function f(n = 0) { return f(n + 1) + 1 }");
    expect(r).toMatchObject({ ok: false, kind: "error" });
    expect(r.ok ? "" : r.message).toMatch(/stack overflow/i);
    expect(await healthyJs()).toBe("42");
  });

  it("cuts huge output at the output limit and reports its length", async () => {
    const r = await run("javascript", "function f() { return 'y'.repeat(5_000_000) }");
    expect(r).toMatchObject({ ok: true, length: 5_000_000 });
    expect(r.ok && r.value.length).toBe(LIMITS.outputChars);
  });

  it("gives no require, no host process and no way out through constructors", async () => {
    const probe = `function f() {
      const g = (function () { return this })() ?? globalThis;
      const viaCtor = ({}).constructor.constructor("return this")();
      return [typeof require, typeof module, typeof XMLHttpRequest, typeof process.exit, typeof process.pid,
        typeof viaCtor.process?.kill, typeof g.std, typeof g.os, typeof g.WebAssembly].join(",");
    }`;
    expect(await value("javascript", probe)).toBe(
      "undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined",
    );
  });

  it("keeps prototype pollution inside the call that made it", async () => {
    await value(
      "javascript",
      "function f() { Object.prototype.polluted = 'yes'; Array.prototype.map = null; return 'done' }",
    );
    expect(
      await value("javascript", "function f() { return [typeof ({}).polluted, typeof [].map].join() }"),
    ).toBe("undefined,function");
  });

  it("reports a promise that never settles, and a tool cancelled mid-run", async () => {
    const never = await run("javascript", "function f() { return new Promise(() => {}) }");
    expect(never).toMatchObject({ ok: false, kind: "error" });
    const controller = new AbortController();
    const call = run("javascript", "function f() { for (;;) {} }", {
      signal: controller.signal,
      limits: { ...LIMITS, timeoutMs: 60_000 },
    });
    setTimeout(() => controller.abort(new Error("run cancelled")), 100);
    await expect(call).rejects.toThrow("run cancelled");
    expect(await healthyJs()).toBe("42");
  });

  it("reaches the network only when granted", async () => {
    const server: Server = createServer((_req, res) => res.end("pong"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const source =
        "async function f(url) { try { return await (await fetch(url)).text() } catch (e) { return e.message } }";
      expect(await value("javascript", source, { args: { url } })).toMatch(
        /^network access is not granted to this tool/,
      );
      expect(await value("javascript", source, { args: { url }, limits: { ...LIMITS, network: true } })).toBe(
        "pong",
      );
    } finally {
      server.close();
    }
  });
});

describe("Python tools in Pyodide", () => {
  it(
    "calls a typed, docstringed function with keyword arguments and env; env does not leak to the next call",
    async () => {
      const source = `import os

def f(name: str, times: int = 1) -> str:
    """Greets someone.

    Args:
        name: who to greet
        times: how often
    """
    print("greeting", name)
    return ", ".join([os.environ.get("GREETING", "?") + " " + name] * times)
`;
      const r = await run("python", source, { args: { name: "Ada", times: 2 }, env: { GREETING: "Hi" } });
      expect(r).toMatchObject({ ok: true, value: "Hi Ada, Hi Ada", stdout: "greeting Ada" });
      expect(await value("python", source, { args: { name: "Bo" } })).toBe("? Bo");
      expect(await value("python", "def f():\n    return {'a': [1, None]}")).toBe('{"a": [1, null]}');
    },
    SLOW,
  );

  it(
    "stops an infinite loop at the wall-time limit, and one that swallows the interrupt by killing it",
    async () => {
      expect(await run("python", "def f():\n    while True:\n        pass")).toMatchObject({
        ok: false,
        kind: "timeout",
      });
      expect(await healthyPy()).toBe("42");
      const stubborn =
        "def f():\n    while True:\n        try:\n            while True:\n                pass\n        except BaseException:\n            pass";
      expect(await run("python", stubborn)).toMatchObject({ ok: false, kind: "timeout" });
      expect(await healthyPy()).toBe("42");
    },
    SLOW,
  );

  it(
    "stops a memory bomb, turns deep recursion into an error, cuts huge output",
    async () => {
      const bomb =
        "def f():\n    chunks = []\n    while True:\n        chunks.append(bytearray(8 * 1024 * 1024))";
      expect(await run("python", bomb)).toMatchObject({ ok: false, kind: "memory" });
      const deep = await run("python", "def f(n=0):\n    return f(n + 1) + 1");
      expect(deep).toMatchObject({ ok: false, kind: "error" });
      expect(deep.ok ? "" : deep.message).toContain("RecursionError");
      const huge = await run("python", "def f():\n    return 'z' * 10_000_000");
      expect(huge).toMatchObject({ ok: true, length: 10_000_000 });
      expect(huge.ok && huge.value.length).toBe(LIMITS.outputChars);
      expect(await healthyPy()).toBe("42");
    },
    SLOW,
  );

  it(
    "sees no host files, runs no shell, opens no socket",
    async () => {
      const marker = join(scratch, "pwned");
      const passwd = await run("python", "def f():\n    return open('/etc/passwd').read()");
      expect(passwd).toMatchObject({ ok: false, kind: "error" });
      expect(passwd.ok ? "" : passwd.message).toContain("FileNotFoundError");
      const shell = `import os, subprocess

def f():
    status = os.system("touch ${marker}")
    try:
        subprocess.run(["touch", "${marker}"])
        ran = "subprocess ran"
    except OSError as e:
        ran = type(e).__name__
    return f"{status} {ran}"
`;
      expect(await value("python", shell)).toBe("-1 OSError");
      expect(existsSync(marker)).toBe(false);
      const socket = `import socket

def f():
    try:
        socket.socket().connect(("127.0.0.1", 80))
        return "connected"
    except OSError as e:
        return type(e).__name__
`;
      expect(await value("python", socket)).toBe("PermissionError");
    },
    SLOW,
  );

  it(
    "keeps Python away from JavaScript: no js module, and no way back through any proxy left in memory",
    async () => {
      for (const mod of ["js", "pyodide_js", "pyodide.ffi", "pyodide.code", "_pyodide_core", "ctypes"]) {
        const r = await run("python", `def f():\n    import ${mod}\n    return "imported"`);
        expect(r.ok ? r.value : r.message).toMatch(/not available in the lmos sandbox/);
      }
      // The determined route: undo the import guard, then look for any JS proxy object still alive and
      // climb from it to the Function constructor, which would compile JS that reaches Node.
      const escapeAttempt = `import sys, gc

def f():
    sys.meta_path.pop(0)
    found, reached = 0, []
    for o in gc.get_objects():
        if "JsProxy" in type(o).__name__ or type(o).__module__ == "pyodide.ffi":
            found += 1
            for path in ("constructor.constructor", "constructor", "__proto__.constructor.constructor"):
                try:
                    fn = o
                    for part in path.split("."):
                        fn = getattr(fn, part)
                    reached.append(str(fn("return typeof process")()))
                except BaseException as e:
                    pass
    try:
        import js
        reached.append("js:" + str(js.Object))
    except BaseException:
        pass
    try:
        import pyodide.ffi as ffi
        reached.append(str(ffi.to_js([]).constructor.constructor("return typeof process")()))
    except BaseException:
        pass
    return f"{found} proxies; reached {reached}"
`;
      const r = await value("python", escapeAttempt);
      console.log(`python escape attempt: ${r}`);
      expect(r).toMatch(/reached \[\]$/);
      expect(await healthyPy()).toBe("42");
    },
    SLOW,
  );

  it(
    "replaces an interpreter whose builtins a tool changed, and stops a tool when its run is cancelled",
    async () => {
      await value(
        "python",
        "import builtins\n\ndef f():\n    builtins.len = lambda x: 0\n    return 'patched'",
      );
      expect(await value("python", "def f():\n    return len([1, 2, 3])")).toBe("3");
      const controller = new AbortController();
      const call = run("python", "def f():\n    while True:\n        pass", {
        signal: controller.signal,
        limits: { ...LIMITS, timeoutMs: 120_000 },
      });
      setTimeout(() => controller.abort(new Error("run cancelled")), 200);
      await expect(call).rejects.toThrow("run cancelled");
      expect(await healthyPy()).toBe("42");
    },
    SLOW,
  );
});
