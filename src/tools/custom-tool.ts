// Custom tools as Letta clients send them — Python (`def name(...)` with a docstring), JavaScript or
// TypeScript (`export function name(...)`) — run in the sandbox pool. Arguments are checked against the
// tool's json_schema first; the agent's tool environment (Letta's secrets) is passed in at call time and
// appears nowhere else; a call past a limit becomes a tool error that names the limit.
import { transform } from "esbuild";
import { z } from "zod";
import type { ToolRecord } from "../store/types.ts";
import { type FileGrantSetting, resolveFileGrant } from "./grants.ts";
import type { Sandbox, SandboxJob, SandboxLanguage, SandboxLimits } from "./sandbox/types.ts";
import { type ToolDefinition, ToolError } from "./types.ts";

/** Limits and grants that apply when a tool sets none of its own. */
export interface SandboxDefaults {
  timeoutMs: number;
  memoryMb: number;
  network: boolean;
  /** Hosts a network grant reaches when the tool names none; absent: any. */
  allowedHosts?: string[];
  /** The directory every tool is granted unless it says otherwise (LMOS_TOOL_FS_DIR); null: none. */
  filesystem: FileGrantSetting | null;
  /** Directories inside which a tool may be granted one (LMOS_TOOL_FS_ROOTS). */
  fileRoots: string[];
}

export const SANDBOX_DEFAULTS: SandboxDefaults = {
  timeoutMs: 10_000,
  memoryMb: 128,
  network: false,
  filesystem: null,
  fileRoots: [],
};

/** The sandbox language of a tool's source_type, or null when lmos cannot run it. */
export function sandboxLanguage(sourceType: string | null): SandboxLanguage | "typescript" | null {
  const t = (sourceType ?? "python").toLowerCase();
  if (t === "python") return "python";
  if (t === "javascript" || t === "js") return "javascript";
  if (t === "typescript" || t === "ts") return "typescript";
  return null;
}

/** The limits of one call of `record`: its own settings over the defaults; output at return_char_limit.
 * Throws LmosError when its granted directory is gone or not allowed. */
export function limitsOf(record: ToolRecord, defaults: SandboxDefaults): SandboxLimits {
  const own = record.sandbox ?? {};
  const allowedHosts = own.allowedHosts ?? defaults.allowedHosts;
  const dir = own.filesystem === undefined ? defaults.filesystem : own.filesystem;
  // The server's default directory is the operator's choice; a tool's own must be inside the roots.
  const filesystem = !dir
    ? null
    : own.filesystem === undefined
      ? resolveFileGrant(dir, [dir.path])
      : resolveFileGrant(dir, defaults.fileRoots);
  return {
    timeoutMs: own.timeoutMs ?? defaults.timeoutMs,
    memoryMb: own.memoryMb ?? defaults.memoryMb,
    network: own.network ?? defaults.network,
    ...(allowedHosts ? { allowedHosts } : {}),
    filesystem,
    outputChars: record.returnCharLimit,
  };
}

// TypeScript is stripped once per source text (esbuild, already in the tree through tsx).
const stripped = new Map<string, Promise<string>>();

function javascriptOf(source: string): Promise<string> {
  let out = stripped.get(source);
  if (!out) {
    out = transform(source, { loader: "ts", target: "es2022" }).then((r) => r.code);
    out.catch(() => stripped.delete(source));
    if (stripped.size > 500) stripped.clear();
    stripped.set(source, out);
  }
  return out;
}

/** Letta passes a JS tool's arguments positionally: required parameters first, then the others. */
function argOrder(parameters: Record<string, unknown>): string[] {
  const required = (parameters.required as string[] | undefined) ?? [];
  const props = Object.keys((parameters.properties as Record<string, unknown> | undefined) ?? {});
  return [...new Set([...required, ...props])];
}

function validatorOf(parameters: Record<string, unknown>): z.ZodType<Record<string, unknown>> {
  try {
    return z.fromJSONSchema(parameters) as z.ZodType<Record<string, unknown>>;
  } catch {
    // A schema zod cannot read still reaches the model; the tool then checks its own arguments.
    return z.looseObject({});
  }
}

const TRUNCATED = (more: number) => `... [NOTE: function output was truncated: ${more} more characters]`;

/** The text the model sees: the value, cut at the limit with Letta's note when it was longer. */
function shown(value: string, length: number, limit: number): string {
  if (limit <= 0 || length <= limit) return value;
  const room = Math.max(0, limit - TRUNCATED(length).length);
  return `${value.slice(0, room)}${TRUNCATED(length - room)}`;
}

export interface CustomToolDeps {
  sandbox: Sandbox;
  defaults: SandboxDefaults;
}

/** A runnable definition of a custom tool record, or null when its source type is not one lmos runs. */
export function customToolDefinition(record: ToolRecord, deps: CustomToolDeps): ToolDefinition | null {
  const language = sandboxLanguage(record.sourceType);
  if (!language || !record.sourceCode) return null;
  const source = record.sourceCode;
  const schema = record.jsonSchema as { parameters?: Record<string, unknown>; description?: string };
  const parameters = schema.parameters ?? { type: "object", properties: {} };
  const order = argOrder(parameters);
  return {
    name: record.name,
    description: record.description || schema.description || "",
    schema: validatorOf(parameters),
    parameters,
    toolType: record.toolType,
    async run(args: Record<string, unknown>, ctx) {
      let limits: SandboxLimits;
      try {
        limits = limitsOf(record, deps.defaults);
      } catch (e) {
        throw new ToolError(`Error: ${record.name} cannot run: ${(e as Error).message}`);
      }
      const secrets = await ctx.store.agentSecrets(ctx.agent.id);
      const job: SandboxJob = {
        language: language === "typescript" ? "javascript" : language,
        source: language === "typescript" ? await compiled(source, record.name) : source,
        entry: record.name,
        args,
        argOrder: order,
        env: { LETTA_AGENT_ID: ctx.agent.id, ...secrets },
        agent: { id: ctx.agent.id, name: ctx.agent.name },
        limits,
        signal: ctx.signal,
      };
      const result = await deps.sandbox.run(job);
      if (result.ok) return shown(result.value, result.length, limits.outputChars);
      switch (result.kind) {
        case "timeout":
          throw new ToolError(
            `Error: ${record.name} exceeded its wall-time limit of ${limits.timeoutMs} ms and was stopped.`,
          );
        case "memory":
          throw new ToolError(
            `Error: ${record.name} exceeded its memory limit of ${limits.memoryMb} MB and was stopped.`,
          );
        case "crash":
          throw new ToolError(
            `Error: the sandbox running ${record.name} failed (${result.message}); try again.`,
          );
        default:
          throw new ToolError(`Error: ${record.name} failed:\n${result.message}`);
      }
    },
  };
}

async function compiled(source: string, name: string): Promise<string> {
  try {
    return await javascriptOf(source);
  } catch (e) {
    throw new ToolError(`Error: the TypeScript source of ${name} does not compile: ${(e as Error).message}`);
  }
}
