// Block writes with their rules: edits applied to the value stored now (inside the caller's transaction),
// patches that keep labels unique per agent and stamp the agents whose memory changed, attaches likewise.
import { LmosError } from "../../errors.ts";
import { applyBlockEdit, type BlockEdit, BlockEditError } from "../block-edits.ts";
import { nowIso } from "../ids.ts";
import type { BlockRecord } from "../types.ts";
import { blockCodec } from "./codecs.ts";
import { agentBlocksJoin, attach, getRecord, linkedAgents, patchRecord } from "./records.ts";
import type { Sql } from "./sql.ts";

interface EditRow {
  id: string;
  label: string;
  value: string;
  char_limit: number;
  read_only: number;
}

/** Applies a step's block edits in order to the values stored now, inside the caller's transaction (the
 * write lock is held, so no other writer comes between the read and the write). Throws the first
 * BlockEditError, with its index, and the caller's transaction rolls back. */
export function applyBlockEdits(sql: Sql, edits: BlockEdit[], now = nowIso()): void {
  edits.forEach((edit, i) => {
    const row = sql.get<EditRow>(
      "SELECT id, label, value, char_limit, read_only FROM blocks WHERE id = ?",
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
      const block = { ...row, limit: row.char_limit, readOnly: row.read_only !== 0 };
      const value = applyBlockEdit(block, edit);
      sql.run("UPDATE blocks SET value = ?, updated_at = ? WHERE id = ?", value, now, edit.blockId);
    } catch (e) {
      if (BlockEditError.isBlockEdit(e)) e.editIndex = i;
      throw e;
    }
  });
}

/** One edit outside a step: applied to the stored value, its agents stamped, in one transaction. */
export function editBlock(sql: Sql, edit: BlockEdit, at: string): { block: BlockRecord; stamped: string[] } {
  return sql.tx(() => {
    applyBlockEdits(sql, [edit], at);
    const stamped = linkedAgents(sql, agentBlocksJoin, edit.blockId);
    for (const a of stamped) sql.run("UPDATE agents SET memory_edited_at = ? WHERE id = ?", at, a);
    return { block: getRecord(sql, blockCodec, edit.blockId) as BlockRecord, stamped };
  });
}

/** The label another block of `agentId` already has (other than `blockId`), if `label` is taken. */
function labelTaken(sql: Sql, agentId: string, blockId: string, label: string): boolean {
  return !!sql.get(
    `SELECT 1 FROM agent_blocks j JOIN blocks b ON b.id = j.block_id
     WHERE j.agent_id = ? AND b.label = ? AND b.id <> ?`,
    agentId,
    label,
    blockId,
  );
}

function duplicate(agentId: string, label: string): LmosError {
  return new LmosError(
    "invalid_argument",
    `agent ${agentId} already has a block labelled "${label}": labels are unique per agent ` +
      "(rename or detach that block first)",
  );
}

/** Patches a block (label unique per attached agent; a value change stamps those agents' memoryEditedAt)
 * in one transaction; returns the block and the agents stamped. */
export function updateBlock(
  sql: Sql,
  id: string,
  patch: Partial<BlockRecord>,
): { block: BlockRecord; stamped: string[] } {
  return sql.tx(() => {
    const current = getRecord(sql, blockCodec, id);
    if (!current) throw new LmosError("not_found", `block ${id} not found`);
    const agents = linkedAgents(sql, agentBlocksJoin, id);
    if (patch.label !== undefined && patch.label !== current.label) {
      const clash = agents.find((a) => labelTaken(sql, a, id, patch.label as string));
      if (clash) throw duplicate(clash, patch.label);
    }
    const updatedAt = patch.updatedAt ?? nowIso();
    const block = patchRecord(sql, blockCodec, id, { ...patch, updatedAt }, "block");
    const stamped = patch.value !== undefined ? agents : [];
    for (const a of stamped) sql.run("UPDATE agents SET memory_edited_at = ? WHERE id = ?", updatedAt, a);
    return { block, stamped };
  });
}

/** Attaches a block unless the agent has another block with its label. */
export function attachBlock(sql: Sql, agentId: string, blockId: string): void {
  sql.tx(() => {
    const block = getRecord(sql, blockCodec, blockId);
    if (block && labelTaken(sql, agentId, blockId, block.label)) throw duplicate(agentId, block.label);
    attach(sql, agentBlocksJoin, agentId, blockId);
  });
}
