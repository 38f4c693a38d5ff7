// Built-in tools (memory, search, send_message, file tools) stored as ToolRecords, so the server can list
// them and agents attach them like any tool; the kernel runs them through their definitions.
import { fileTools } from "../sources/index.ts";
import { newId, nowIso } from "../store/index.ts";
import type { Store, ToolRecord } from "../store/types.ts";
import {
  baseTools,
  multiAgentTools,
  sendMessageToAllAgentsInGroupTool,
  ToolRegistry,
  toolSpec,
} from "../tools/index.ts";
import type { ToolDefinition } from "../tools/types.ts";
import { DEFAULT_SETTINGS } from "./agent-defaults.ts";

const RETURN_CHAR_LIMIT = 50_000;

export interface BuiltinTools {
  /** The implementation of a built-in tool record; null for custom tools (runtime/custom-tools.ts runs those). */
  definition(record: { name: string; toolType: string }): ToolDefinition | null;
  /** Ids of the base tools a new agent gets. */
  baseToolIds(replyMode: "send_message" | "text"): Promise<string[]>;
  /** Ids of a built-in tool set by name (Letta's multi-agent tools). */
  idsOf(names: readonly string[]): string[];
}

/** Upserts the built-in tool records (only when changed) and returns their lookups. */
export async function installBuiltinTools(store: Store): Promise<BuiltinTools> {
  const base = baseTools({ ...DEFAULT_SETTINGS });
  const registry = new ToolRegistry([
    ...base,
    ...fileTools,
    ...multiAgentTools,
    sendMessageToAllAgentsInGroupTool,
  ]);
  const all = registry.list();
  const ids = new Map<string, string>();
  for (const def of all) {
    const spec = toolSpec(def, { heartbeats: true });
    const jsonSchema = { name: spec.name, description: spec.description, parameters: spec.parameters };
    const existing = await store.getToolByName(def.name);
    if (
      existing &&
      existing.toolType === def.toolType &&
      existing.description === def.description &&
      JSON.stringify(existing.jsonSchema) === JSON.stringify(jsonSchema)
    ) {
      ids.set(def.name, existing.id);
      continue;
    }
    const now = nowIso();
    const record: ToolRecord = {
      id: existing?.id ?? newId("tool"),
      name: def.name,
      description: def.description,
      jsonSchema,
      sourceCode: null,
      sourceType: null,
      toolType: def.toolType,
      tags: [],
      returnCharLimit: RETURN_CHAR_LIMIT,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    ids.set(def.name, (await store.upsertTool(record)).id);
  }
  const baseNames = base.map((d) => d.name);
  return {
    definition(record) {
      if (record.toolType === "custom") return null;
      return registry.get(record.name);
    },
    idsOf(names) {
      return names.map((n) => ids.get(n)).filter((id): id is string => id !== undefined);
    },
    async baseToolIds(replyMode) {
      return baseNames
        .filter((n) => replyMode === "send_message" || n !== "send_message")
        .map((n) => ids.get(n))
        .filter((id): id is string => id !== undefined);
    },
  };
}
