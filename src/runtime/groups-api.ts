// lmos.groups: Letta's multi-agent groups — members in order, a manager policy, blocks shared by every
// member (an edit of one is in every member's context on its next step, since steps read blocks from the
// store) — and messages to a group, routed by group-turn.ts.
import { z } from "zod";
import { LmosError } from "../errors.ts";
import { newId, nowIso } from "../store/index.ts";
import type { GroupRecord } from "../store/types.ts";
import { sendMessageToAllAgentsInGroupTool } from "../tools/index.ts";
import type { GroupInput, GroupsApi } from "./coordination-types.ts";
import { type RuntimeCore, resolveAgent } from "./core.ts";
import { groupTurn } from "./group-turn.ts";
import { inputSchema } from "./validate.ts";

const MANAGED = new Set(["supervisor", "dynamic", "sleeptime"]);

/** A group's input (lmos.groups.create; update checks the patch merged with the stored group). */
export const groupInputSchema = z.object({
  agentIds: z.array(z.string().min(1)).max(100),
  description: z.string().max(10_000).optional(),
  managerType: z.enum(["round_robin", "supervisor", "dynamic", "sleeptime"]).optional(),
  managerAgentId: z.string().min(1).optional(),
  terminationToken: z.string().min(1).max(200).optional(),
  maxTurns: z.number().int().min(1).max(100).optional(),
  sleeptimeAgentFrequency: z.number().int().min(1).max(1000).optional(),
  sharedBlockIds: z.array(z.string().min(1)).max(100).optional(),
});

/** A group patch as a boundary checks it before the trusted update (each field as groupInputSchema has it). */
export const groupPatchSchema = groupInputSchema.partial();

/** Builds lmos.groups. */
export function groupsApi(core: RuntimeCore): GroupsApi {
  const { store } = core;

  async function get(id: string): Promise<GroupRecord> {
    const g = await store.getGroup(id);
    if (!g) throw new LmosError("not_found", `group ${id} not found`);
    return g;
  }

  /** Every agent of the group (members and manager). */
  const everyone = (g: Pick<GroupRecord, "agentIds" | "managerAgentId">) => [
    ...new Set([...g.agentIds, ...(g.managerAgentId ? [g.managerAgentId] : [])]),
  ];

  async function share(agentIds: string[], blockIds: string[]): Promise<void> {
    for (const blockId of blockIds) {
      const block = await store.getBlock(blockId);
      if (!block) throw new LmosError("not_found", `block ${blockId} not found`);
      for (const agentId of agentIds) {
        const clash = (await store.agentBlocks(agentId)).find(
          (b) => b.label === block.label && b.id !== blockId,
        );
        if (clash) {
          throw new LmosError(
            "conflict",
            `agent ${agentId} already has a block labelled "${block.label}" (${clash.id})`,
          );
        }
        await store.attachBlock(agentId, blockId);
      }
    }
  }

  /** A supervisor reaches its members through its group tool. */
  async function equip(g: GroupRecord): Promise<void> {
    if (g.managerType !== "supervisor" || !g.managerAgentId) return;
    const tool = await store.getToolByName(sendMessageToAllAgentsInGroupTool.name);
    if (tool) await store.attachTool(g.managerAgentId, tool.id);
  }

  async function normalise(input: GroupInput) {
    const v = core.check(groupInputSchema, input, "group");
    const managerType = v.managerType ?? "round_robin";
    const agentIds = [];
    for (const a of v.agentIds) agentIds.push((await resolveAgent(core, a)).id);
    const managerAgentId = v.managerAgentId ? (await resolveAgent(core, v.managerAgentId)).id : null;
    if (MANAGED.has(managerType) && !managerAgentId) {
      throw new LmosError(
        "invalid_argument",
        `group.managerAgentId: a ${managerType} group needs its manager agent`,
      );
    }
    return { ...v, managerType, agentIds, managerAgentId };
  }

  return {
    async create(input) {
      const v = await normalise(input);
      const now = nowIso();
      const group: GroupRecord = {
        id: newId("group"),
        managerType: v.managerType,
        agentIds: v.agentIds,
        description: v.description ?? "",
        managerAgentId: v.managerAgentId,
        terminationToken: v.managerType === "dynamic" ? (v.terminationToken ?? "DONE!") : null,
        maxTurns: v.maxTurns ?? null,
        sleeptimeAgentFrequency: v.sleeptimeAgentFrequency ?? null,
        turnsCounter: 0,
        lastProcessedMessageId: null,
        sharedBlockIds: [...new Set(v.sharedBlockIds ?? [])],
        createdAt: now,
        updatedAt: now,
      };
      await share(everyone(group), group.sharedBlockIds);
      await store.createGroup(group);
      await equip(group);
      return group;
    },
    get,
    list: (query = {}) => store.listGroups(query),
    async update(id, patch) {
      const current = await get(id);
      const v = await normalise({
        agentIds: patch.agentIds ?? current.agentIds,
        managerType: patch.managerType ?? current.managerType,
        managerAgentId: patch.managerAgentId ?? current.managerAgentId ?? undefined,
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.terminationToken !== undefined ? { terminationToken: patch.terminationToken } : {}),
        ...(patch.maxTurns !== undefined ? { maxTurns: patch.maxTurns } : {}),
        ...(patch.sleeptimeAgentFrequency !== undefined
          ? { sleeptimeAgentFrequency: patch.sleeptimeAgentFrequency }
          : {}),
        ...(patch.sharedBlockIds !== undefined ? { sharedBlockIds: patch.sharedBlockIds } : {}),
      });
      const next: Partial<GroupRecord> = {
        agentIds: v.agentIds,
        managerType: v.managerType,
        managerAgentId: v.managerAgentId,
        updatedAt: nowIso(),
        ...(v.description !== undefined ? { description: v.description } : {}),
        ...(v.terminationToken !== undefined ? { terminationToken: v.terminationToken } : {}),
        ...(v.maxTurns !== undefined ? { maxTurns: v.maxTurns } : {}),
        ...(v.sleeptimeAgentFrequency !== undefined
          ? { sleeptimeAgentFrequency: v.sleeptimeAgentFrequency }
          : {}),
        ...(v.sharedBlockIds !== undefined ? { sharedBlockIds: [...new Set(v.sharedBlockIds)] } : {}),
      };
      const blocks = next.sharedBlockIds ?? current.sharedBlockIds;
      await share(everyone({ agentIds: v.agentIds, managerAgentId: v.managerAgentId }), blocks);
      const updated = await store.updateGroup(id, next);
      await equip(updated);
      return updated;
    },
    async delete(id) {
      await get(id);
      await store.deleteGroup(id);
    },
    async send(id, input, options = {}) {
      const group = await get(id);
      const valid = core.check(inputSchema, input, "input");
      const messages = typeof valid === "string" ? [{ role: "user" as const, content: valid }] : valid;
      return groupTurn(core, group, messages, options);
    },
    async attachBlock(id, blockId) {
      const g = await get(id);
      await share(everyone(g), [blockId]);
      if (g.sharedBlockIds.includes(blockId)) return g;
      return store.updateGroup(id, { sharedBlockIds: [...g.sharedBlockIds, blockId], updatedAt: nowIso() });
    },
    async detachBlock(id, blockId) {
      const g = await get(id);
      for (const agentId of everyone(g)) await store.detachBlock(agentId, blockId);
      return store.updateGroup(id, {
        sharedBlockIds: g.sharedBlockIds.filter((b) => b !== blockId),
        updatedAt: nowIso(),
      });
    },
  };
}
