// Custom tools for the kernel: the sandbox pool (one per lmos unless the caller shares one) and the
// runnable definition of each custom tool record, kept while the record is unchanged. Limits default
// from the environment: LMOS_TOOL_TIMEOUT_MS, LMOS_TOOL_MEMORY_MB, LMOS_TOOL_NETWORK (and
// LMOS_TOOL_NETWORK_HOSTS), LMOS_TOOL_FS_DIR / LMOS_TOOL_FS_MODE (a directory every tool gets),
// LMOS_TOOL_FS_ROOTS (where a tool's own grant may point), and the pool's size from
// LMOS_TOOL_PYTHON_WORKERS / LMOS_TOOL_JS_WORKERS.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { intFromEnv } from "../env.ts";
import { LmosError } from "../errors.ts";
import type { ToolRecord } from "../store/types.ts";
import {
  createSandboxPool,
  customToolDefinition,
  SANDBOX_DEFAULTS,
  type Sandbox,
  type SandboxDefaults,
} from "../tools/index.ts";
import type { ToolDefinition } from "../tools/types.ts";

export interface CustomTools {
  /** The definition of a custom tool record, or null when it is not one lmos can run. */
  definition(record: ToolRecord): ToolDefinition | null;
  sandbox: Sandbox;
  defaults: SandboxDefaults;
  /** Stops the pool, unless it was passed in (its owner closes it). */
  close(): Promise<void>;
}

const list = (raw: string | undefined, sep: RegExp) =>
  (raw ?? "")
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean);

/** The global sandbox defaults from the environment; `home` is LMOS_HOME (for the default file root). */
export function sandboxDefaults(env: Record<string, string | undefined>, home?: string): SandboxDefaults {
  const network = (env.LMOS_TOOL_NETWORK ?? "").toLowerCase();
  const hosts = list(env.LMOS_TOOL_NETWORK_HOSTS, /,/);
  const mode = (env.LMOS_TOOL_FS_MODE ?? "ro").toLowerCase();
  if (mode !== "ro" && mode !== "rw") {
    throw new LmosError("invalid_argument", `LMOS_TOOL_FS_MODE must be ro or rw, got "${mode}"`);
  }
  const roots =
    env.LMOS_TOOL_FS_ROOTS !== undefined
      ? list(env.LMOS_TOOL_FS_ROOTS, /[,:]/).map((r) => resolve(r))
      : home
        ? [join(home, "tool-files")]
        : [];
  return {
    timeoutMs: intFromEnv(env, "LMOS_TOOL_TIMEOUT_MS", SANDBOX_DEFAULTS.timeoutMs, 1),
    memoryMb: intFromEnv(env, "LMOS_TOOL_MEMORY_MB", SANDBOX_DEFAULTS.memoryMb, 8),
    network: network === "1" || network === "true",
    ...(hosts.length > 0 ? { allowedHosts: hosts } : {}),
    filesystem: env.LMOS_TOOL_FS_DIR ? { path: resolve(env.LMOS_TOOL_FS_DIR), mode } : null,
    fileRoots: roots,
  };
}

/** Builds the custom tools of one lmos. */
export function createCustomTools(
  env: Record<string, string | undefined>,
  shared?: Sandbox,
  home?: string,
): CustomTools {
  const defaults = sandboxDefaults(env, home);
  for (const root of defaults.fileRoots) mkdirSync(root, { recursive: true });
  const sandbox =
    shared ??
    createSandboxPool({
      maxWorkers: {
        python: intFromEnv(env, "LMOS_TOOL_PYTHON_WORKERS", 1, 1),
        javascript: intFromEnv(env, "LMOS_TOOL_JS_WORKERS", 2, 1),
      },
    });
  const cache = new Map<string, { key: string; def: ToolDefinition | null }>();
  return {
    sandbox,
    defaults,
    definition(record) {
      if (record.toolType !== "custom") return null;
      const key = `${record.updatedAt}|${record.returnCharLimit}`;
      const hit = cache.get(record.id);
      if (hit && hit.key === key) return hit.def;
      const def = customToolDefinition(record, { sandbox, defaults });
      if (cache.size > 2_000) cache.clear();
      cache.set(record.id, { key, def });
      return def;
    },
    async close() {
      if (!shared) await sandbox.close();
    },
  };
}
