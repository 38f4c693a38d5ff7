// Custom tools for the kernel: the sandbox pool (one per lmos unless the caller shares one) and the
// runnable definition of each custom tool record, kept while the record is unchanged. Limits default
// from the environment: LMOS_TOOL_TIMEOUT_MS, LMOS_TOOL_MEMORY_MB, LMOS_TOOL_NETWORK, and the pool's
// size from LMOS_TOOL_PYTHON_WORKERS / LMOS_TOOL_JS_WORKERS.
import { intFromEnv } from "../env.ts";
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

/** The global sandbox defaults from the environment. */
export function sandboxDefaults(env: Record<string, string | undefined>): SandboxDefaults {
  const network = (env.LMOS_TOOL_NETWORK ?? "").toLowerCase();
  return {
    timeoutMs: intFromEnv(env, "LMOS_TOOL_TIMEOUT_MS", SANDBOX_DEFAULTS.timeoutMs, 1),
    memoryMb: intFromEnv(env, "LMOS_TOOL_MEMORY_MB", SANDBOX_DEFAULTS.memoryMb, 8),
    network: network === "1" || network === "true",
  };
}

/** Builds the custom tools of one lmos. */
export function createCustomTools(env: Record<string, string | undefined>, shared?: Sandbox): CustomTools {
  const defaults = sandboxDefaults(env);
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
