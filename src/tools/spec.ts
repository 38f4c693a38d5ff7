// What the model is shown of a tool (its OpenAI function schema, with Letta's request_heartbeat when
// heartbeats are on), how its raw argument text is checked, and how a result is packaged for it.
import { z } from "zod";
import type { ToolSpec } from "../llm/types.ts";
import { formatTime } from "../context/index.ts";
import type { ToolDefinition } from "./types.ts";

/** Letta's REQUEST_HEARTBEAT_DESCRIPTION. */
export const REQUEST_HEARTBEAT_DESCRIPTION =
  "Request an immediate heartbeat after function execution. Set to `True` if you want to send a follow-up message or run a follow-up function.";

/** Letta's FUNCTION_RETURN_CHAR_LIMIT: results longer than this are cut. */
export const FUNCTION_RETURN_CHAR_LIMIT = 50_000;

// send_message ends the turn; a heartbeat flag on it would only invite the model to talk to itself.
const NO_HEARTBEAT = new Set(["send_message"]);

const schemaCache = new WeakMap<z.ZodType, Record<string, unknown>>();

/** The JSON Schema of a zod schema (memoised; without the $schema key providers don't need). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let out = schemaCache.get(schema);
  if (!out) {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
    out = rest;
    schemaCache.set(schema, out);
  }
  return out;
}

/** The spec the model sees; `heartbeats` adds a required request_heartbeat flag (not to send_message). */
export function toolSpec(def: ToolDefinition, options: { heartbeats: boolean }): ToolSpec {
  const base = def.parameters ?? jsonSchemaOf(def.schema);
  if (!options.heartbeats || NO_HEARTBEAT.has(def.name)) {
    return { name: def.name, description: def.description, parameters: base };
  }
  const properties = { ...((base.properties as Record<string, unknown>) ?? {}) };
  properties.request_heartbeat = { type: "boolean", description: REQUEST_HEARTBEAT_DESCRIPTION };
  const required = [...((base.required as string[]) ?? []), "request_heartbeat"];
  return {
    name: def.name,
    description: def.description,
    parameters: { ...base, type: "object", properties, required },
  };
}

export type ParsedArguments =
  | { ok: true; args: unknown; requestHeartbeat: boolean }
  | { ok: false; error: string };

function at(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Zod issues as lines a model can fix its call from. */
function renderIssues(issues: z.core.$ZodIssue[], input: unknown): string {
  return issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "arguments";
      if (issue.code === "invalid_type" && at(input, issue.path) === undefined) {
        return `- ${field}: missing (required, ${issue.expected})`;
      }
      if (issue.code === "invalid_type") {
        const got = at(input, issue.path);
        const kind = Array.isArray(got) ? "array" : got === null ? "null" : typeof got;
        return `- ${field}: expected ${issue.expected}, got ${kind} ${JSON.stringify(got)?.slice(0, 80)}`;
      }
      if (issue.code === "unrecognized_keys") return `- unknown argument(s): ${issue.keys.join(", ")}`;
      return `- ${field}: ${issue.message}`;
    })
    .join("\n");
}

/** Parses and validates a tool call's raw argument text; an error is a message for the model. */
export function parseToolArguments(
  def: ToolDefinition,
  raw: string,
  options: { heartbeats: boolean },
): ParsedArguments {
  let value: unknown;
  const text = raw.trim();
  try {
    value = text === "" ? {} : JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      error: `Error: the arguments of ${def.name} are not valid JSON (${(e as Error).message}). Call it again with a JSON object.`,
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      ok: false,
      error: `Error: the arguments of ${def.name} must be a JSON object, not ${JSON.stringify(value)}.`,
    };
  }
  const { request_heartbeat: heartbeat, ...rest } = value as Record<string, unknown>;
  const requestHeartbeat =
    options.heartbeats &&
    (heartbeat === true || (typeof heartbeat === "string" && heartbeat.toLowerCase() === "true"));
  const parsed = def.schema.safeParse(rest);
  if (!parsed.success) {
    return {
      ok: false,
      error: `Error: invalid arguments for ${def.name}:\n${renderIssues(parsed.error.issues, rest)}\nFix them and call ${def.name} again.`,
    };
  }
  return { ok: true, args: parsed.data, requestHeartbeat };
}

/** Letta's tool result package {"status","message","time"}; the message is cut at `limit` characters. */
export function formatToolResult(
  status: "OK" | "Failed",
  message: string,
  now: string,
  limit = FUNCTION_RETURN_CHAR_LIMIT,
): string {
  const text =
    limit > 0 && message.length > limit
      ? `${message.slice(0, limit)}... [NOTE: function output was truncated: ${message.length - limit} more characters]`
      : message;
  return JSON.stringify({ status, message: text, time: formatTime(now) });
}
