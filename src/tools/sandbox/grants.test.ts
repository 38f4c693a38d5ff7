// Grants of the sandbox pool: a host directory mounted at /data (read-only or read-write) and the network
// (to allowed hosts only). What a granted tool may do works; every way out of a grant fails — `..`,
// absolute host paths, symlinks pointing out (absolute and relative), creating symlinks, writing through a
// read-only grant, redirects to a host that is not allowed — and without a grant the code is told so.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxPool } from "./pool.ts";
import type { Sandbox, SandboxJob, SandboxLanguage, SandboxLimits, SandboxResult } from "./types.ts";

const LIMITS: SandboxLimits = { timeoutMs: 5_000, memoryMb: 64, outputChars: 10_000, network: false };
const SLOW = 180_000;

let pool: Sandbox;
let root: string;
let grant: string;
let secret: string;
let server: Server;
let base: string;
beforeAll(async () => {
  pool = createSandboxPool({ graceMs: 500, maxWorkers: { python: 1, javascript: 1 } });
  root = mkdtempSync(join(tmpdir(), "lmos-grants-"));
  grant = join(root, "granted");
  mkdirSync(join(grant, "sub"), { recursive: true });
  writeFileSync(join(grant, "notes.txt"), "granted text");
  secret = join(root, "secret.txt");
  writeFileSync(secret, "TOP SECRET");
  symlinkSync(secret, join(grant, "abs-link"));
  symlinkSync("../secret.txt", join(grant, "rel-link"));
  symlinkSync("..", join(grant, "sub", "up"));
  symlinkSync(root, join(grant, "dir-link"));
  server = createServer((req, res) => {
    if (req.url === "/redirect-out") {
      res.writeHead(302, { location: "http://localhost:1/elsewhere" }).end();
    } else if (req.url === "/redirect-in") {
      res.writeHead(302, { location: "/hello" }).end();
    } else {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => res.end(`hello ${req.method} ${req.url}${body ? ` ${body}` : ""}`));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await Promise.all([pool.warm("python"), pool.warm("javascript")]);
}, SLOW);
afterAll(async () => {
  await pool.close();
  server.close();
  rmSync(root, { recursive: true, force: true });
});

function run(
  language: SandboxLanguage,
  source: string,
  limits: Partial<SandboxLimits>,
  extra: Partial<SandboxJob> = {},
): Promise<SandboxResult> {
  return pool.run({
    language,
    source,
    entry: "f",
    args: {},
    env: {},
    ...extra,
    limits: { ...LIMITS, ...limits },
  });
}

async function value(
  language: SandboxLanguage,
  source: string,
  limits: Partial<SandboxLimits>,
  extra: Partial<SandboxJob> = {},
) {
  const r = await run(language, source, limits, extra);
  if (!r.ok) throw new Error(`expected success, got ${r.kind}: ${r.message}`);
  return r.value;
}

/** Python that tries `expr` and reports the exception's type and message, or what it got. */
const attempt = (expr: string) => `def f():
    try:
        return "GOT " + repr(${expr})
    except Exception as e:
        return type(e).__name__ + ": " + str(e)`;

describe("a granted directory (Python, at /data)", () => {
  const ro = () => ({ filesystem: { hostPath: grant, mode: "ro" as const } });
  const rw = () => ({ filesystem: { hostPath: grant, mode: "rw" as const } });

  it(
    "reads a read-only grant and refuses every write to it",
    async () => {
      expect(await value("python", attempt("open('/data/notes.txt').read()"), ro())).toBe(
        "GOT 'granted text'",
      );
      expect(await value("python", attempt("sorted(__import__('os').listdir('/data'))"), ro())).toContain(
        "notes.txt",
      );
      for (const write of [
        "open('/data/new.txt', 'w').write('x')",
        "open('/data/notes.txt', 'a').write('x')",
        "open('/data/notes.txt', 'w')",
        "__import__('os').remove('/data/notes.txt')",
        "__import__('os').mkdir('/data/newdir')",
        "__import__('os').rename('/data/notes.txt', '/data/moved.txt')",
        "__import__('os').chmod('/data/notes.txt', 0o777)",
      ]) {
        expect(await value("python", attempt(write), ro())).toMatch(/^OSError: .*Read-only file system/);
      }
      expect(readFileSync(join(grant, "notes.txt"), "utf8")).toBe("granted text");
      expect(existsSync(join(grant, "new.txt"))).toBe(false);
    },
    SLOW,
  );

  it(
    "writes, renames and deletes in a read-write grant, on the host",
    async () => {
      const source = `def f():
    import os
    with open('/data/sub/out.txt', 'w') as fh:
        fh.write('written by the tool')
    os.rename('/data/sub/out.txt', '/data/sub/kept.txt')
    os.mkdir('/data/made')
    os.rmdir('/data/made')
    return open('/data/sub/kept.txt').read()`;
      expect(await value("python", source, rw())).toBe("written by the tool");
      expect(readFileSync(join(grant, "sub", "kept.txt"), "utf8")).toBe("written by the tool");
    },
    SLOW,
  );

  it(
    "keeps every escape inside the sandbox: .., absolute paths, symlinks out, new symlinks",
    async () => {
      for (const mode of ["ro", "rw"] as const) {
        const limits = { filesystem: { hostPath: grant, mode } };
        for (const expr of [
          "open('/data/../secret.txt').read()",
          "open('/data/sub/../../secret.txt').read()",
          `open(${JSON.stringify(secret)}).read()`,
          "open('/etc/passwd').read()",
          "open('/data/abs-link').read()",
          "open('/data/rel-link').read()",
          "open('/data/sub/up/../secret.txt').read()",
          "open('/data/dir-link/secret.txt').read()",
          "(__import__('os').chdir('/data/sub'), open('../../secret.txt').read())",
        ]) {
          const got = await value("python", attempt(expr), limits);
          expect(got, `${mode}: ${expr}`).not.toContain("TOP SECRET");
          expect(got, `${mode}: ${expr}`).toMatch(/Error/);
        }
        const link = await value(
          "python",
          attempt(`__import__('os').symlink(${JSON.stringify(secret)}, '/data/mine')`),
          limits,
        );
        expect(link).toMatch(/^(PermissionError|OSError): /);
        expect(existsSync(join(grant, "mine"))).toBe(false);
      }
      // The symlink inside the grant that points inside it still works.
      symlinkSync("notes.txt", join(grant, "inner-link"));
      expect(await value("python", attempt("open('/data/inner-link').read()"), ro())).toBe(
        "GOT 'granted text'",
      );
    },
    SLOW,
  );

  it(
    "shows nothing at /data without a grant, and closes what a call left open",
    async () => {
      const leave = "def f():\n    import builtins\n    fh = open('/data/notes.txt')\n    return fh.read(7)";
      expect(await value("python", leave, ro())).toBe("granted");
      expect(await value("python", attempt("__import__('os').listdir('/data')"), {})).toBe("GOT []");
      expect(await value("python", attempt("open('/data/notes.txt').read()"), {})).toMatch(
        /^FileNotFoundError/,
      );
    },
    SLOW,
  );

  it(
    "fails the call with a clear error when the granted directory is missing",
    async () => {
      const r = await run("python", attempt("1"), {
        filesystem: { hostPath: join(root, "nope"), mode: "ro" },
      });
      expect(r).toMatchObject({ ok: false, kind: "error" });
      expect(r.ok ? "" : r.message).toMatch(/directory granted to this tool cannot be mounted/);
    },
    SLOW,
  );
});

describe("network grants", () => {
  const pyGet = (url: string) => `def f():
    import urllib.request
    try:
        with urllib.request.urlopen(${JSON.stringify(url)}, timeout=5) as r:
            return str(r.status) + " " + r.read().decode()
    except Exception as e:
        return type(e).__name__ + ": " + str(e)`;
  const jsGet = (url: string) =>
    `async function f() { try { const r = await fetch(${JSON.stringify(url)}); return r.status + " " + await r.text() } catch (e) { return "Error: " + e.message } }`;

  it(
    "refuses Python and JavaScript without a grant, saying so",
    async () => {
      expect(await value("python", pyGet(`${base}/hello`), {})).toMatch(
        /^URLError: .*network access is not granted to this tool/,
      );
      expect(await value("javascript", jsGet(`${base}/hello`), {})).toMatch(
        /^Error: network access is not granted to this tool/,
      );
      // Raw sockets stay closed even with a grant: only HTTP through the host is open.
      const socket = `def f():
    import socket
    try:
        socket.create_connection(("127.0.0.1", ${new URL(base).port}), timeout=2)
        return "connected"
    except Exception as e:
        return type(e).__name__`;
      expect(await value("python", socket, { network: true })).not.toBe("connected");
    },
    SLOW,
  );

  it(
    "reaches a local HTTP server when granted, GET and POST, from both languages",
    async () => {
      expect(await value("python", pyGet(`${base}/hello`), { network: true })).toBe("200 hello GET /hello");
      const post = `def f():
    import urllib.request
    req = urllib.request.Request(${JSON.stringify(`${base}/echo`)}, data=b"payload", method="POST")
    return urllib.request.urlopen(req).read().decode()`;
      expect(await value("python", post, { network: true })).toBe("hello POST /echo payload");
      expect(await value("javascript", jsGet(`${base}/hello`), { network: true })).toBe(
        "200 hello GET /hello",
      );
      expect(await value("python", pyGet(`${base}/redirect-in`), { network: true })).toBe(
        "200 hello GET /hello",
      );
    },
    SLOW,
  );

  it(
    "reaches only the allowed hosts, redirects included",
    async () => {
      const port = new URL(base).port;
      const allowed = { network: true, allowedHosts: [`127.0.0.1:${port}`] };
      expect(await value("python", pyGet(`${base}/hello`), allowed)).toBe("200 hello GET /hello");
      expect(await value("javascript", jsGet(`${base}/hello`), allowed)).toBe("200 hello GET /hello");
      const other = { network: true, allowedHosts: ["example.com"] };
      expect(await value("python", pyGet(`${base}/hello`), other)).toMatch(
        /not in this tool's allowed hosts/,
      );
      expect(await value("javascript", jsGet(`${base}/hello`), other)).toMatch(
        /not in this tool's allowed hosts/,
      );
      expect(await value("python", pyGet(`${base}/redirect-out`), allowed)).toMatch(
        /host localhost:1 is not in this tool's allowed hosts/,
      );
      expect(await value("javascript", jsGet("file:///etc/passwd"), { network: true })).toMatch(
        /only http and https/,
      );
    },
    SLOW,
  );
});
