// The sandbox contract: run one function of untrusted source (Python or JavaScript) with arguments, an
// environment and limits, and get its result text or a failure that names what went wrong. One pool
// implements it for both languages; custom tools use it, and so may anything else that runs user code.

/** Languages a sandbox runs. TypeScript is stripped to JavaScript before it gets here. */
export type SandboxLanguage = "python" | "javascript";

/** Limits of one call. */
export interface SandboxLimits {
  /** Wall time of the call, from the moment a warm interpreter starts it (start-up is not counted). */
  timeoutMs: number;
  /** Memory the call may take: the whole QuickJS heap, or what the Python heap may grow by. */
  memoryMb: number;
  /** Characters of the result that cross back to the host (the tool's return_char_limit). */
  outputChars: number;
  /** Whether the code may make HTTP requests (JavaScript: `fetch`; Python: `urllib.request`). Off by default. */
  network: boolean;
  /** With `network`: the hosts it may reach (`example.com`, `*.example.com`, `host:port`, `*`); absent: any. */
  allowedHosts?: string[];
  /** A host directory mounted into the sandbox (Python: at /data), read-only or read-write; absent: none. */
  filesystem?: FileGrant | null;
}

/** A directory of the host granted to a call. */
export interface FileGrant {
  /** Absolute host path of the directory (checked by whoever grants it; the sandbox resolves symlinks). */
  hostPath: string;
  mode: "ro" | "rw";
}

/** Where a granted directory appears inside the sandbox. */
export const GRANT_MOUNT = "/data";

/** One call. */
export interface SandboxJob {
  language: SandboxLanguage;
  /** The source that defines the function. */
  source: string;
  /** The name of the function to call. */
  entry: string;
  /** Keyword arguments (Python) or the values of the positional parameters (JavaScript, see argOrder). */
  args: Record<string, unknown>;
  /** JavaScript only: the order the values of `args` are passed in (Letta: required first, then the rest). */
  argOrder?: string[];
  /** Environment variables the code sees (os.environ / process.env); never logged. */
  env: Record<string, string>;
  /** Who calls, for Python tools that take an `agent_state` parameter. */
  agent?: { id: string; name: string };
  limits: SandboxLimits;
  /** Aborting it stops the call: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Which limit or fault ended a call. */
export type SandboxFailureKind = "timeout" | "memory" | "error" | "crash";

export type SandboxResult =
  | {
      ok: true;
      /** The function's return value as text (strings as they are, others serialised). */
      value: string;
      /** Length of the whole value when `value` was cut at the output limit. */
      length: number;
      /** What the code printed (cut at a few thousand characters). */
      stdout: string;
    }
  | { ok: false; kind: SandboxFailureKind; message: string; stdout: string };

/** Figures of a pool, for benchmarks and health checks. */
export interface SandboxStats {
  language: SandboxLanguage;
  workers: number;
  busy: number;
  queued: number;
  /** Interpreters started since the pool opened (first start, replacements after a kill or a crash). */
  started: number;
}

/** Runs calls on warm interpreters; never throws for what the code does, only for cancellation. */
export interface Sandbox {
  run(job: SandboxJob): Promise<SandboxResult>;
  /** Starts the pool's interpreters of `language` ahead of the first call (resolves when all are up). */
  warm(language: SandboxLanguage): Promise<void>;
  stats(): SandboxStats[];
  /** Stops every interpreter; calls in flight fail. */
  close(): Promise<void>;
}
