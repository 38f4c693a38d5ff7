// Core memory edits as the memory tools make them: each returns the block's new value or throws a ToolError
// whose message tells the model what to do instead. Nothing is changed when an edit fails.
import type { BlockRecord } from "../store/types.ts";
import { ToolError } from "../errors.ts";

/** The block with `label`, or a ToolError listing the labels there are. */
export function findBlock(blocks: BlockRecord[], label: string): BlockRecord {
  const block = blocks.find((b) => b.label === label);
  if (block) return block;
  const labels = blocks.map((b) => `"${b.label}"`).join(", ") || "(none)";
  throw new ToolError(`Error: there is no memory block labelled "${label}". Your blocks are: ${labels}.`);
}

function checkWritable(block: BlockRecord): void {
  if (block.readOnly) throw new ToolError("Error: This block is read-only and cannot be edited.");
}

function checkLimit(block: BlockRecord, value: string): string {
  if (value.length > block.limit) {
    throw new ToolError(
      `Error: the edit to block "${block.label}" would be ${value.length} chars, limit is ${block.limit}; ` +
        "shorten or move details to archival memory (archival_memory_insert).",
    );
  }
  return value;
}

/** The value after appending `content` on a new line. */
export function appendToBlock(block: BlockRecord, content: string): string {
  checkWritable(block);
  if (content.length === 0) throw new ToolError("Error: content is empty; there is nothing to append.");
  return checkLimit(block, block.value ? `${block.value}\n${content}` : content);
}

/** The value with every occurrence of `oldContent` replaced by `newContent` ("" deletes it). */
export function replaceInBlock(block: BlockRecord, oldContent: string, newContent: string): string {
  checkWritable(block);
  if (oldContent.length === 0) {
    throw new ToolError(
      "Error: old_content is empty; give the exact text to replace (use memory_rethink to rewrite).",
    );
  }
  if (!block.value.includes(oldContent)) {
    throw new ToolError(
      `Error: old content ${JSON.stringify(oldContent)} not found in memory block "${block.label}". ` +
        "Copy the text exactly as it appears in the block's <value>.",
    );
  }
  return checkLimit(block, block.value.split(oldContent).join(newContent));
}

/** The block's value replaced wholesale by `newValue`. */
export function rewriteBlock(block: BlockRecord, newValue: string): string {
  checkWritable(block);
  return checkLimit(block, newValue);
}
