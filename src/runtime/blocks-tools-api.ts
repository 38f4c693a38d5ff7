// lmos.blocks (standalone blocks, shareable by agents) and lmos.tools (custom tools from source).
import { found, LmosError } from "../errors.ts";
import { DEFAULT_PROJECT, newId, nowIso } from "../store/index.ts";
import type { ToolRecord } from "../store/types.ts";
import { pythonToolSchema, resolveFileGrant, type SandboxDefaults, sandboxLanguage } from "../tools/index.ts";
import { checkBlockLimit } from "./agent-handle.ts";
import { blockFromInput } from "./agents-api.ts";
import type { RuntimeCore } from "./core.ts";
import type { Lmos } from "./types.ts";
import { blockInputSchema, blockPatchSchema, toolUpsertSchema } from "./validate.ts";

/** Builds lmos.blocks. */
export function blocksApi(core: RuntimeCore): Lmos["blocks"] {
  const { store } = core;
  return {
    async create(raw) {
      const block = blockFromInput(core.check(blockInputSchema, raw, "block"));
      await store.createBlock(block);
      return block;
    },
    async get(id) {
      return found(await store.getBlock(id), `block ${id}`);
    },
    list: (query = {}) => store.listBlocks(query),
    async update(id, raw) {
      const patch = core.check(blockPatchSchema, raw ?? {}, "patch");
      const current = found(await store.getBlock(id), `block ${id}`);
      checkBlockLimit(
        patch.label ?? current.label,
        patch.value ?? current.value,
        patch.limit ?? current.limit,
      );
      // One write: the store stamps memoryEditedAt on every agent of the block when its value changes.
      return store.updateBlock(id, { ...patch, updatedAt: nowIso() });
    },
    async delete(id) {
      found(await store.getBlock(id), `block ${id}`);
      await store.deleteBlock(id);
    },
    agents: (id) => store.blockAgents(id),
  };
}

const RETURN_CHAR_LIMIT = 50_000;

/** Builds lmos.tools. */
export function toolsApi(core: RuntimeCore, sandbox: SandboxDefaults): Lmos["tools"] {
  const { store } = core;
  return {
    async upsert(raw) {
      const input = core.check(toolUpsertSchema, raw, "tool");
      const sourceType = input.sourceType ?? "python";
      if (!sandboxLanguage(sourceType)) {
        throw new LmosError(
          "invalid_argument",
          `tool.sourceType: "${sourceType}" is not one lmos runs; use python, javascript or typescript`,
        );
      }
      // A directory grant outside what the operator allows is refused now, not at the first call.
      if (input.sandbox?.filesystem) resolveFileGrant(input.sandbox.filesystem, sandbox.fileRoots);
      let schema = input.jsonSchema as Record<string, unknown> | undefined;
      if (!schema) {
        if (sourceType !== "python") {
          throw new LmosError(
            "invalid_argument",
            "tool.jsonSchema: required for tools whose source is not Python",
          );
        }
        schema = { ...pythonToolSchema(input.sourceCode) };
      }
      const name = typeof schema?.name === "string" ? schema.name : "";
      if (!name) throw new LmosError("invalid_argument", "tool.jsonSchema.name: the tool needs a name");
      const existing = await store.getToolByName(name);
      if (existing && existing.toolType !== "custom") {
        throw new LmosError("conflict", `"${name}" is a built-in tool; give your tool another name`);
      }
      if (existing && input.project !== undefined) {
        const owner = (await store.resourceProjects([existing.id])).get(existing.id) ?? DEFAULT_PROJECT;
        if (owner !== input.project) {
          throw new LmosError(
            "conflict",
            `a tool named "${name}" exists in another project (tool names are unique across projects); give your tool another name`,
          );
        }
      }
      const now = nowIso();
      const record: ToolRecord = {
        id: existing?.id ?? newId("tool"),
        name,
        description: input.description ?? (typeof schema?.description === "string" ? schema.description : ""),
        jsonSchema: schema as Record<string, unknown>,
        sourceCode: input.sourceCode,
        sourceType,
        toolType: "custom",
        tags: input.tags ?? existing?.tags ?? [],
        returnCharLimit: input.returnCharLimit ?? existing?.returnCharLimit ?? RETURN_CHAR_LIMIT,
        sandbox: input.sandbox !== undefined ? input.sandbox : (existing?.sandbox ?? null),
        defaultRequiresApproval: input.defaultRequiresApproval ?? existing?.defaultRequiresApproval ?? false,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      return store.upsertTool(record);
    },
    async get(id) {
      return found((await store.getTool(id)) ?? (await store.getToolByName(id)), `tool ${id}`);
    },
    list: (query = {}) => store.listTools(query),
    async delete(id) {
      const tool = found((await store.getTool(id)) ?? (await store.getToolByName(id)), `tool ${id}`);
      if (tool.toolType !== "custom" && tool.toolType !== "external_mcp")
        throw new LmosError("conflict", `"${tool.name}" is a built-in tool and cannot be deleted`);
      await store.deleteTool(tool.id);
    },
  };
}
