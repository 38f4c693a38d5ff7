// What every command gets: the process streams, the environment, the global options, and the backend they
// select — the library on $LMOS_HOME, or a server with --url. Backends load lazily, so `--help` stays fast.
import type { Command } from "commander";
import type { Lmos } from "../runtime/types.ts";
import type { Backend } from "./backend/types.ts";
import { UsageError } from "./errors.ts";

/** The process as the CLI sees it (tests may pass their own). */
export interface CliIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** Options every command accepts. */
export interface GlobalOptions {
  home?: string;
  model?: string;
  url?: string;
  apiKey?: string;
}

/** A model handle has the form provider/model. */
export function checkHandle(handle: string | undefined, flag: string): string | undefined {
  if (handle !== undefined && !/^[^/\s]+\/\S+$/.test(handle)) {
    throw new UsageError(
      `${flag} "${handle}" is not a model handle: use provider/model, e.g. openai/gpt-4o-mini`,
    );
  }
  return handle;
}

/** The global options with environment defaults filled in. */
export function globalsOf(cmd: Command, env: CliIO["env"]): GlobalOptions {
  const o = cmd.optsWithGlobals() as GlobalOptions;
  const url = o.url ?? (env.LMOS_URL || undefined);
  if (url !== undefined && !/^https?:\/\/[^/]/i.test(url)) {
    throw new UsageError(`--url "${url}" is not an http(s) URL, e.g. http://127.0.0.1:8283`);
  }
  return {
    home: o.home ?? (env.LMOS_HOME || undefined),
    model: checkHandle(o.model ?? (env.LMOS_MODEL || undefined), "--model"),
    url,
    apiKey: o.apiKey ?? (env.LMOS_API_KEY || undefined),
  };
}

/** The commands' shared context. */
export class Cli {
  /** Set to 1 by a command that finished but failed (e.g. the run hit a provider error). */
  exitCode = 0;
  constructor(readonly io: CliIO) {}

  /** Writes a line (or lines) to stdout. */
  print(text: string): void {
    this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Opens the library in this process (for commands that only work locally). */
  async openLmos(cmd: Command, what = `"${cmd.name()}"`): Promise<Lmos> {
    const g = globalsOf(cmd, this.io.env);
    if (g.url)
      throw new UsageError(`${what}: local store only, not through a server; drop --url (or LMOS_URL)`);
    const { openLmos } = await import("../runtime/index.ts");
    // Long-running commands take background work (schedules, agents' messages, sleep-time passes); a
    // one-shot command leaves it to them, so it never starts a run it would cut short on exit.
    const background = ["serve", "mcp"].includes(cmd.name());
    return openLmos({ home: g.home, model: g.model, env: this.io.env, background });
  }

  /** Opens the backend the global options select. */
  async backend(cmd: Command): Promise<Backend> {
    const g = globalsOf(cmd, this.io.env);
    if (g.url) {
      const { openRemoteBackend } = await import("./backend/remote.ts");
      return openRemoteBackend({ url: g.url, apiKey: g.apiKey, model: g.model });
    }
    const { openLocalBackend } = await import("./backend/local.ts");
    return openLocalBackend({
      home: g.home,
      model: g.model,
      env: this.io.env,
      background: cmd.name() === "chat",
    });
  }

  /** Runs `fn` with the selected backend and closes it afterwards. */
  async with<T>(cmd: Command, fn: (b: Backend) => Promise<T>): Promise<T> {
    const b = await this.backend(cmd);
    try {
      return await fn(b);
    } finally {
      await b.close();
    }
  }
}
