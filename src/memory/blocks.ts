// Core memory edits as the memory tools preview them during a step: each returns the block's new value or
// throws a ToolError whose message tells the model what to do instead. The rules are the store's
// (store/block-edits.ts), which applies the same edit again to the value stored at commit.
import { applyBlockEdit, BlockEditError } from "../store/index.ts";
import type { BlockEdit, BlockRecord } from "../store/types.ts";
import { ToolError } from "../errors.ts";

/** The block with `label`, or a ToolError listing the labels there are. */
export function findBlock(blocks: BlockRecord[], label: string): BlockRecord {
  const block = blocks.find((b) => b.label === label);
  if (block) return block;
  const labels = blocks.map((b) => `"${b.label}"`).join(", ") || "(none)";
  throw new ToolError(`Error: there is no memory block labelled "${label}". Your blocks are: ${labels}.`);
}

/** The block's value after `edit`; a ToolError when the edit cannot apply to it. */
export function previewEdit(block: BlockRecord, edit: BlockEdit): string {
  try {
    return applyBlockEdit(block, edit);
  } catch (e) {
    if (BlockEditError.isBlockEdit(e)) throw new ToolError(e.message);
    throw e;
  }
}

/** The value after appending `content` on a new line. */
export function appendToBlock(block: BlockRecord, content: string): string {
  return previewEdit(block, { blockId: block.id, op: "append", text: content });
}

/** The value with every occurrence of `oldContent` replaced by `newContent` ("" deletes it). */
export function replaceInBlock(block: BlockRecord, oldContent: string, newContent: string): string {
  return previewEdit(block, { blockId: block.id, op: "replace", old: oldContent, new: newContent });
}

/** The block's value replaced wholesale by `newValue`. */
export function rewriteBlock(block: BlockRecord, newValue: string): string {
  return previewEdit(block, { blockId: block.id, op: "rethink", value: newValue });
}
