// The tools an agent has in a step: its attached tool records, each with its implementation (if any) and
// the schema the model is shown (with request_heartbeat when heartbeats are on).
import type { ToolSpec } from "../llm/types.ts";
import type { ToolRecord } from "../store/types.ts";
import { toolSpec } from "../tools/index.ts";
import type { ToolDefinition } from "../tools/types.ts";

/** An attached tool as one step sees it. */
export interface ResolvedTool {
  record: ToolRecord;
  def: ToolDefinition | null;
  spec: ToolSpec;
}

// Specs are rebuilt only when a tool record changes (updatedAt) or the heartbeat switch flips.
const specCache = new Map<string, ToolSpec>();

function specOf(record: ToolRecord, def: ToolDefinition | null, heartbeats: boolean): ToolSpec {
  const key = `${record.id}|${record.updatedAt}|${heartbeats}`;
  const cached = specCache.get(key);
  if (cached) return cached;
  let spec: ToolSpec;
  if (def) spec = toolSpec(def, { heartbeats });
  else {
    const schema = record.jsonSchema as { description?: string; parameters?: Record<string, unknown> };
    spec = {
      name: record.name,
      description: record.description || schema.description || "",
      parameters: schema.parameters ?? { type: "object", properties: {} },
    };
  }
  if (specCache.size > 5_000) specCache.clear();
  specCache.set(key, spec);
  return spec;
}

/** Resolves an agent's tool records, keyed by tool name. */
export function resolveTools(
  records: ToolRecord[],
  toolFor: (record: ToolRecord) => ToolDefinition | null,
  heartbeats: boolean,
): Map<string, ResolvedTool> {
  const out = new Map<string, ResolvedTool>();
  for (const record of records) {
    const def = toolFor(record);
    out.set(record.name, { record, def, spec: specOf(record, def, heartbeats) });
  }
  return out;
}
