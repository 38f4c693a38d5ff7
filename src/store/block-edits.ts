// Core-memory edits as operations. A step does not write a block's value as it saw it at the step's start
// (agents sharing a block run in parallel, so that lost the edits committed meanwhile): it records what
// the model asked for, and the store applies each operation to the block's value as it stands inside the
// commit's transaction. One function for every Store implementation, so the rules are the same on SQLite
// and PostgreSQL, and the same as the memory tools' preview during the step (memory/blocks.ts).
import { LmosError } from "../errors.ts";
import type { BlockRecord } from "./records.ts";

/** One core-memory edit, applied by the store to the block's value at commit:
 * - append: `text` goes on a new line after whatever the block holds then;
 * - replace: every occurrence of `old` becomes `new`; refused ("missing_text") when `old` is no longer there;
 * - rethink: the whole value becomes `value` (the last rethink applied wins). With `basis` (the value the
 *   rethink was written from) it is refused ("stale") when the block holds anything else by then, so an
 *   edit committed in between (another agent's append) is never silently dropped.
 * Every edit is refused past the block's character limit ("limit", checked on the value at commit) and on a
 * read-only block ("read_only"). */
export type BlockEditOp =
  | { op: "append"; text: string }
  | { op: "replace"; old: string; new: string }
  | { op: "rethink"; value: string; basis?: string };

/** An edit of one block. */
export type BlockEdit = BlockEditOp & { blockId: string };

export type BlockEditFailure = "not_found" | "read_only" | "empty" | "missing_text" | "stale" | "limit";

/** A block edit that cannot apply to the block as it is. `message` is written for the model: the kernel
 * turns it into the failed tool call's result. */
export class BlockEditError extends LmosError {
  constructor(
    readonly reason: BlockEditFailure,
    message: string,
    readonly blockId: string,
    /** The block's value when the edit was refused ("" when the block is gone). */
    readonly current: string,
    /** Position of the refused edit in the commit's `blockEdits` (set by the store's commit). */
    public editIndex = -1,
  ) {
    super(
      reason === "not_found"
        ? "not_found"
        : reason === "limit" || reason === "empty"
          ? "invalid_argument"
          : "conflict",
      message,
    );
  }

  static isBlockEdit(e: unknown): e is BlockEditError {
    return e instanceof BlockEditError;
  }
}

type EditedBlock = Pick<BlockRecord, "id" | "label" | "value" | "limit" | "readOnly">;

function refuse(block: EditedBlock, reason: BlockEditFailure, message: string): never {
  throw new BlockEditError(reason, message, block.id, block.value);
}

function withinLimit(block: EditedBlock, value: string): string {
  if (value.length > block.limit) {
    refuse(
      block,
      "limit",
      `Error: the edit to block "${block.label}" would be ${value.length} chars, limit is ${block.limit}; ` +
        "shorten or move details to archival memory (archival_memory_insert).",
    );
  }
  return value;
}

/** The block's value after `edit`, or a BlockEditError saying why it cannot apply. */
export function applyBlockEdit(block: EditedBlock, edit: BlockEdit): string {
  if (block.readOnly) refuse(block, "read_only", "Error: This block is read-only and cannot be edited.");
  if (edit.op === "append") {
    if (edit.text.length === 0)
      refuse(block, "empty", "Error: content is empty; there is nothing to append.");
    return withinLimit(block, block.value ? `${block.value}\n${edit.text}` : edit.text);
  }
  if (edit.op === "replace") {
    if (edit.old.length === 0) {
      refuse(
        block,
        "empty",
        "Error: old_content is empty; give the exact text to replace (use memory_rethink to rewrite).",
      );
    }
    if (!block.value.includes(edit.old)) {
      refuse(
        block,
        "missing_text",
        `Error: old content ${JSON.stringify(edit.old)} not found in memory block "${block.label}". ` +
          "Copy the text exactly as it appears in the block's <value>.",
      );
    }
    return withinLimit(block, block.value.split(edit.old).join(edit.new));
  }
  if (edit.basis !== undefined && edit.basis !== block.value) {
    refuse(
      block,
      "stale",
      `Error: memory block "${block.label}" changed since you read it (another agent or a user edited it), ` +
        "so your rewrite was not saved: it would have dropped that edit. Its value now is " +
        `${JSON.stringify(block.value)}. Merge what you want to keep into it and call memory_rethink again.`,
    );
  }
  return withinLimit(block, edit.value);
}
