// Agents (with their in-context lists), core-memory blocks and their rules, tools and MCP servers.
import { LmosError } from "../../errors.ts";
import { applyBlockEdit, type BlockEdit, BlockEditError } from "../block-edits.ts";
import { nowIso } from "../ids.ts";
import { pushProjectFilter } from "../project-filter.ts";
import type { AgentRecord, BlockRecord, Page, ProjectFilter, ToolRecord } from "../types.ts";
import type { Codec } from "../sqlite/codec.ts";
import { agentCodec, blockCodec, toolCodec } from "../sqlite/codecs.ts";
import { readContext, writeContext } from "./context.ts";
import type { Q } from "./db.ts";
import {
  agentBlocksJoin,
  agentToolsJoin,
  applyPatch,
  attach,
  decode,
  getRecord,
  getRecordBy,
  insertRecord,
  linkedAgents,
  pagedSql,
  patchRecord,
  type Select,
  selectList,
  tagCondition,
} from "./records.ts";

/** Creates an agent with its blocks and tools linked in the given order (inside the caller's transaction). */
export async function createAgent(
  q: Q,
  agent: AgentRecord,
  blockIds: string[],
  toolIds: string[],
): Promise<void> {
  await insertRecord(q, agentCodec, {
    ...agent,
    toolRules: agent.toolRules ?? [],
    pendingApproval: agent.pendingApproval ?? null,
  });
  await writeContext(q, agent.id, agent.inContextMessageIds);
  for (const id of blockIds) await attach(q, agentBlocksJoin, agent.id, id);
  for (const id of toolIds) await attach(q, agentToolsJoin, agent.id, id);
}

async function withContext(q: Q, a: AgentRecord | null): Promise<AgentRecord | null> {
  if (a) a.inContextMessageIds = await readContext(q, a.id);
  return a;
}

export async function getAgent(q: Q, id: string): Promise<AgentRecord | null> {
  return withContext(q, await getRecord(q, agentCodec, id));
}

export async function getAgentByName(q: Q, name: string): Promise<AgentRecord | null> {
  return withContext(q, await getRecordBy(q, agentCodec, "name", name));
}

/** A paged list of a record table with `name`-like equality filters. */
export async function listBy<T>(
  q: Q,
  codec: Codec<T>,
  page: Page & ProjectFilter,
  equal: Record<string, unknown>,
  extra?: (select: Select) => void,
  sharedSql?: string,
): Promise<T[]> {
  const select: Select = { columns: selectList(codec, "x"), from: `${codec.table} x`, where: [], params: [] };
  for (const [column, value] of Object.entries(equal)) {
    if (value === undefined) continue;
    select.where.push(`x.${column} = ?`);
    select.params.push(value);
  }
  extra?.(select);
  pushProjectFilter(select, "x.id", page.project, sharedSql);
  const { sql, params } = pagedSql(select, { table: codec.table, alias: "x", tiebreak: "id" }, page);
  return (await q.all<Record<string, unknown>>(sql, ...params)).map((r) => decode(codec, r));
}

export async function listAgents(
  q: Q,
  page: Page & ProjectFilter & { name?: string; tags?: string[]; matchAllTags?: boolean },
): Promise<AgentRecord[]> {
  const list = await listBy(q, agentCodec, page, { name: page.name }, (s) => {
    if (page.tags?.length) s.where.push(tagCondition("x.tags", page.tags, !!page.matchAllTags, s.params));
  });
  for (const a of list) await withContext(q, a);
  return list;
}

/** Patches the agent row (taking its lock) and then its in-context list; returns the updatedAt written. */
export async function patchAgent(q: Q, id: string, patch: Partial<AgentRecord>): Promise<string> {
  const updatedAt = patch.updatedAt ?? nowIso();
  await applyPatch(q, agentCodec, id, { ...patch, updatedAt }, "agent");
  if (patch.inContextMessageIds) await writeContext(q, id, patch.inContextMessageIds);
  return updatedAt;
}

interface EditRow {
  id: string;
  label: string;
  value: string;
  char_limit: number;
  read_only: number;
}

/** Applies block edits in order to the values stored now (each row locked until the caller commits). */
export async function applyBlockEdits(q: Q, edits: BlockEdit[], now = nowIso()): Promise<void> {
  for (const [i, edit] of edits.entries()) {
    const row = await q.get<EditRow>(
      "SELECT id, label, value, char_limit, read_only FROM blocks WHERE id = ? FOR UPDATE",
      edit.blockId,
    );
    if (!row) {
      throw new BlockEditError(
        "not_found",
        "Error: that memory block no longer exists (it was deleted or detached meanwhile).",
        edit.blockId,
        "",
        i,
      );
    }
    try {
      const value = applyBlockEdit({ ...row, limit: row.char_limit, readOnly: row.read_only !== 0 }, edit);
      await q.run("UPDATE blocks SET value = ?, updated_at = ? WHERE id = ?", value, now, edit.blockId);
    } catch (e) {
      if (BlockEditError.isBlockEdit(e)) e.editIndex = i;
      throw e;
    }
  }
}

async function stamp(q: Q, agents: string[], at: string): Promise<void> {
  if (agents.length) await q.run("UPDATE agents SET memory_edited_at = ? WHERE id = ANY(?)", at, agents);
}

/** One edit outside a step: applied to the stored value, its agents stamped. */
export async function editBlock(q: Q, edit: BlockEdit, at: string): Promise<BlockRecord> {
  await applyBlockEdits(q, [edit], at);
  await stamp(q, await linkedAgents(q, agentBlocksJoin, edit.blockId), at);
  return (await getRecord(q, blockCodec, edit.blockId))!;
}

async function labelTaken(q: Q, agentId: string, blockId: string, label: string): Promise<boolean> {
  return !!(await q.get(
    `SELECT 1 FROM agent_blocks j JOIN blocks b ON b.id = j.block_id
     WHERE j.agent_id = ? AND b.label = ? AND b.id <> ?`,
    agentId,
    label,
    blockId,
  ));
}

function duplicate(agentId: string, label: string): LmosError {
  return new LmosError(
    "invalid_argument",
    `agent ${agentId} already has a block labelled "${label}": labels are unique per agent ` +
      "(rename or detach that block first)",
  );
}

/** Patches a block (label unique per attached agent; a value change stamps those agents). */
export async function updateBlock(q: Q, id: string, patch: Partial<BlockRecord>): Promise<BlockRecord> {
  const current = await getRecord(q, blockCodec, id, " FOR UPDATE");
  if (!current) throw new LmosError("not_found", `block ${id} not found`);
  const agents = await linkedAgents(q, agentBlocksJoin, id);
  if (patch.label !== undefined && patch.label !== current.label) {
    for (const a of agents) if (await labelTaken(q, a, id, patch.label)) throw duplicate(a, patch.label);
  }
  const updatedAt = patch.updatedAt ?? nowIso();
  const block = await patchRecord(q, blockCodec, id, { ...patch, updatedAt }, "block");
  if (patch.value !== undefined) await stamp(q, agents, updatedAt);
  return block;
}

/** Attaches a block unless the agent has another block with its label. */
export async function attachBlock(q: Q, agentId: string, blockId: string): Promise<void> {
  const block = await getRecord(q, blockCodec, blockId);
  if (block && (await labelTaken(q, agentId, blockId, block.label))) throw duplicate(agentId, block.label);
  await attach(q, agentBlocksJoin, agentId, blockId);
}

/** Creates or updates a tool keyed by name (then by id); returns the stored tool. */
export async function upsertTool(q: Q, given: ToolRecord): Promise<ToolRecord> {
  const tool: ToolRecord = { ...given, sandbox: given.sandbox ?? null };
  const existing =
    (await getRecordBy(q, toolCodec, "name", tool.name)) ?? (await getRecord(q, toolCodec, tool.id));
  if (!existing) {
    await insertRecord(q, toolCodec, { defaultRequiresApproval: false, metadata: {}, ...tool });
    return (await getRecord(q, toolCodec, tool.id))!;
  }
  const { id: _id, createdAt: _createdAt, ...patch } = tool;
  return patchRecord(q, toolCodec, existing.id, patch, "tool");
}
