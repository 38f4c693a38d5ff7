// Runs the real `lmos` command as a child process (node bin/lmos.js) against a temp LMOS_HOME and the
// scripted model, the way a user or a script would.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/lmos.js", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a child: nothing of the parent's model configuration leaks in. */
export function childEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(OPENAI_|ANTHROPIC_|LMOS_|OLLAMA)/.test(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  env.NO_COLOR = "1";
  return env;
}

/** Runs `lmos <args>` to completion (asynchronously: the scripted model answers from this process). */
export function runLmos(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** Starts `lmos serve --port 0` and resolves once it prints its URL. */
export function startLmosServe(
  env: Record<string, string>,
  extraArgs: string[] = [],
): Promise<{ url: string; child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...extraArgs], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    const onData = (d: Buffer) => {
      out += d.toString("utf8");
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ url: m[1], child, output: () => out, exited });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    exited.then((code) => reject(new Error(`lmos serve exited with ${code}: ${out}`)));
  });
}

/** A writable stream that keeps what is written, for running the CLI in process. */
export function textSink(): { stream: NodeJS.WritableStream; text: () => string } {
  const parts: string[] = [];
  const stream = {
    write(s: string) {
      parts.push(s);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, text: () => parts.join("") };
}
