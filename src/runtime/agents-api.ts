// lmos.agents: create (with default blocks, prompt and base tools), get by id or name, list, update, delete.
import { LmosError } from "../errors.ts";
import { parseHandle } from "../llm/index.ts";
import { newAgentRecord, newId, nowIso } from "../store/index.ts";
import type { AgentRecord, BlockRecord, ToolRecord } from "../store/types.ts";
import {
  DEFAULT_BLOCK_DESCRIPTIONS,
  DEFAULT_BLOCK_LIMIT,
  DEFAULT_BLOCKS,
  DEFAULT_SETTINGS,
} from "./agent-defaults.ts";
import { agentHandle, checkBlockLimit } from "./agent-handle.ts";
import { FALLBACK_MODEL } from "./config.ts";
import { agentView, type RuntimeCore, resolveAgent } from "./core.ts";
import { defaultSystemPrompt } from "./default-system-prompt.ts";
import { enableSleeptime, sleeptimeGroupOf } from "./sleeptime.ts";
import { withApprovalRules } from "./tool-rules.ts";
import type { BlockInput, Lmos } from "./types.ts";
import { createAgentSchema, updateAgentSchema } from "./validate.ts";

/** What responses show in place of a secret's value. */
export const REDACTED_SECRET = "<redacted>";

/** A block record from an input, with Letta's default description for persona/human. */
export function blockFromInput(input: BlockInput, now = nowIso()): BlockRecord {
  const limit = input.limit ?? DEFAULT_BLOCK_LIMIT;
  checkBlockLimit(input.label, input.value, limit);
  return {
    id: newId("block"),
    label: input.label,
    value: input.value,
    description: input.description ?? DEFAULT_BLOCK_DESCRIPTIONS[input.label] ?? null,
    limit,
    readOnly: input.readOnly ?? false,
    metadata: input.metadata ?? {},
    tags: input.tags ?? [],
    createdAt: now,
    updatedAt: now,
  };
}

function embeddingOf(value: string | null | undefined, fallback: string | null): string | null {
  if (value === undefined) return fallback;
  return value === null || value.toLowerCase() === "none" ? null : value;
}

/** Base tools an agent with these settings gets (no send_message when replies are plain text). */
export type BaseToolIds = (replyMode: "send_message" | "text") => Promise<string[]>;

/** Builds lmos.agents. */
export function agentsApi(
  core: RuntimeCore,
  baseToolIds: BaseToolIds,
  multiAgentToolIds: () => string[] = () => [],
): Lmos["agents"] {
  const { store } = core;
  const withCompanion = async (record: AgentRecord, frequency?: number) => {
    const group = await enableSleeptime(core, api, record, frequency);
    if (frequency !== undefined && group.sleeptimeAgentFrequency !== frequency) {
      await store.updateGroup(group.id, { sleeptimeAgentFrequency: frequency, updatedAt: nowIso() });
    }
  };

  // A handle whose provider lmos does not know is refused now (422), not at the first send; a known
  // provider that is not configured yet is fine (sending then says what to set).
  function checkModel(handle: string): void {
    parseHandle(handle);
    try {
      core.runner.deps.providerFor(handle);
    } catch (e) {
      if (LmosError.is(e) && e.code === "no_provider") return;
      throw e;
    }
  }

  async function assertNameFree(name: string, self?: string) {
    const other = await store.getAgentByName(name);
    if (other && other.id !== self)
      throw new LmosError("conflict", `an agent named "${name}" already exists`);
  }

  // Responses show secret values as REDACTED_SECRET; a client that writes back what it read (read,
  // modify, write) must not overwrite the real values with the placeholder.
  const keptSecrets = async (agentId: string, given: Record<string, string>) => {
    const stored = await store.agentSecrets(agentId);
    return Object.fromEntries(
      Object.entries(given).map(([k, v]) => [k, v === REDACTED_SECRET && k in stored ? stored[k] : v]),
    );
  };

  const api: Lmos["agents"] = {
    async create(raw) {
      const input = core.check(createAgentSchema, raw ?? {}, "agent");
      const now = nowIso();
      const id = newId("agent");
      const name = input.name ?? `agent-${id.slice(-8)}`;
      await assertNameFree(name);
      const model = input.model ?? core.config.defaultModel ?? FALLBACK_MODEL;
      checkModel(model);
      const settings = { ...DEFAULT_SETTINGS, ...input.settings };
      const labels = new Set<string>();
      const blocks = (input.memoryBlocks ?? (input.blockIds?.length ? [] : DEFAULT_BLOCKS)).map((b) => {
        if (labels.has(b.label))
          throw new LmosError("invalid_argument", `agent.memoryBlocks: label "${b.label}" given twice`);
        labels.add(b.label);
        return blockFromInput(b, now);
      });
      for (const blockId of input.blockIds ?? []) {
        const b = await store.getBlock(blockId);
        if (!b) throw new LmosError("not_found", `block ${blockId} not found`);
        if (labels.has(b.label))
          throw new LmosError("invalid_argument", `agent: two blocks labelled "${b.label}"`);
        labels.add(b.label);
      }
      const toolIds = input.includeBaseTools === false ? [] : await baseToolIds(settings.replyMode);
      if (input.includeMultiAgentTools) {
        for (const t of multiAgentToolIds()) if (!toolIds.includes(t)) toolIds.push(t);
      }
      const attached: ToolRecord[] = [];
      for (const t of input.tools ?? []) {
        const tool = (await store.getTool(t)) ?? (await store.getToolByName(t));
        if (!tool) throw new LmosError("not_found", `tool "${t}" not found`);
        if (!toolIds.includes(tool.id)) toolIds.push(tool.id);
        attached.push(tool);
      }
      for (const s of input.sourceIds ?? []) {
        if (!(await store.getSource(s))) throw new LmosError("not_found", `source ${s} not found`);
      }
      const record = newAgentRecord({
        id,
        name,
        description: input.description ?? null,
        agentType: input.agentType ?? (settings.heartbeats ? "memgpt_agent" : "letta_v1_agent"),
        system: input.system ?? defaultSystemPrompt(settings),
        model,
        embedding: embeddingOf(input.embedding, core.config.defaultEmbedding),
        contextWindow: input.contextWindow ?? null,
        tags: input.tags ?? [],
        metadata: input.metadata ?? {},
        settings,
        toolRules: withApprovalRules(input.toolRules ?? [], attached),
        createdAt: now,
      });
      for (const b of blocks) await store.createBlock(b);
      await store.createAgent(record, [...blocks.map((b) => b.id), ...(input.blockIds ?? [])], toolIds);
      for (const s of input.sourceIds ?? []) await store.attachSource(id, s);
      if (input.secrets && Object.keys(input.secrets).length) await store.setAgentSecrets(id, input.secrets);
      if (input.enableSleeptime) await withCompanion(record, input.sleeptimeFrequency);
      return agentHandle(core, id);
    },
    async get(idOrName) {
      return agentHandle(core, (await resolveAgent(core, idOrName)).id);
    },
    async list(query = {}) {
      const records = await store.listAgents(query);
      return Promise.all(records.map((r) => agentView(core, r)));
    },
    async update(idOrName, raw) {
      const patch = core.check(updateAgentSchema, raw ?? {}, "patch");
      const current = await resolveAgent(core, idOrName);
      if (patch.name !== undefined) await assertNameFree(patch.name, current.id);
      if (patch.model !== undefined) checkModel(patch.model);
      const { settings, embedding, secrets, enableSleeptime: sleeptime, sleeptimeFrequency, ...rest } = patch;
      // Keys given as undefined mean "unchanged", not "clear".
      const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      const next: Partial<AgentRecord> = { ...given, updatedAt: nowIso() };
      if (settings) next.settings = { ...current.settings, ...settings };
      if (embedding !== undefined) next.embedding = embeddingOf(embedding, null);
      if (secrets) await store.setAgentSecrets(current.id, await keptSecrets(current.id, secrets));
      const updated = await store.updateAgent(current.id, next);
      if (sleeptime || (sleeptimeFrequency !== undefined && (await sleeptimeGroupOf(store, current.id)))) {
        await withCompanion(updated, sleeptimeFrequency);
      }
      return agentView(core, updated);
    },
    async delete(idOrName) {
      const agent = await resolveAgent(core, idOrName);
      core.runner.cancel(agent.id);
      await core.runner.exclusive(agent.id, () => store.deleteAgent(agent.id));
      // Its groups lose it; a group it managed goes with it.
      for (const g of await store.agentGroups(agent.id)) {
        if (g.managerAgentId === agent.id) await store.deleteGroup(g.id);
        else await store.updateGroup(g.id, { agentIds: g.agentIds.filter((x) => x !== agent.id) });
      }
      core.runner.forget(agent.id);
    },
  };
  return api;
}
