// Child processes of the benchmarks: start one that prints `listening <url>`, read its CPU time, and the
// server role such a child plays.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;

/** Starts a child that prints `listening <url>`; resolves with the url. */
export function startChild(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`child ${args.join(" ")} exited with ${code}`)));
  });
}

/** CPU seconds (user + system) a process (or only its main thread) has used so far, from /proc (Linux);
 * null elsewhere. */
export function cpuSeconds(pid: number | undefined, thread?: "main"): number | null {
  try {
    // A process's main thread has the process's id as its thread id.
    const stat = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return null;
  }
}

/** The median of a sample (the upper one of an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** The commit measured, "+dirty" when the work tree has changes (bench/results/ left out: a run writes
 * there). */
export function gitCommit(): string {
  if (process.env.LMOS_BENCH_COMMIT) return process.env.LMOS_BENCH_COMMIT; // a copy of the tree, without .git
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  try {
    return `${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--", ".", ":!bench/results") ? "+dirty" : ""}`;
  } catch {
    return "?";
  }
}

/** The server role of a bench's child: `lmos serve`'s work on the store the environment names, `listening
 * <url>` on stdout, a clean close on SIGTERM/SIGINT. Resolves once it listens (callers may add reporting). */
export async function serveLmosRole() {
  const { openLmos } = await import("../src/index.ts");
  const { startServer } = await import("../src/server/index.ts");
  const lmos = await openLmos();
  const server = await startServer({ lmos, port: 0 });
  process.stdout.write(`listening ${server.url}\n`);
  const stop = async () => {
    await server.close();
    await lmos.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  return { lmos, server };
}
