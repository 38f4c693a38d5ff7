// send_message and the core memory tools (MemGPT's base set). An edit is previewed on ctx.blocks at once
// (so it fails now when it cannot apply to what the model sees, and later calls in the step see it) and
// queued as an operation that the store applies to the block's value at commit: another agent sharing the
// block may have edited it meanwhile, and its edit must survive (store/block-edits.ts).
import { z } from "zod";
import { findBlock, previewEdit } from "../memory/index.ts";
import type { BlockEdit, BlockRecord } from "../store/types.ts";
import type { ToolContext, ToolDefinition } from "./types.ts";

type EditOf<K> = K extends BlockEdit["op"] ? Omit<Extract<BlockEdit, { op: K }>, "blockId"> : never;

function commitEdit<K extends BlockEdit["op"]>(ctx: ToolContext, labelled: string, edit: EditOf<K>): string {
  const block = findBlock(ctx.blocks, labelled);
  const op = { ...edit, blockId: block.id } as BlockEdit;
  const value = previewEdit(block, op);
  const updated: BlockRecord = { ...block, value, updatedAt: ctx.now };
  ctx.blocks[ctx.blocks.indexOf(block)] = updated;
  ctx.writes.editBlock(op);
  return `Memory block "${block.label}" updated (${value.length}/${block.limit} chars); your core memory shows the new value.`;
}

const label = z.string().describe("Label of the memory block to edit, e.g. 'human' or 'persona'.");

const sendMessageSchema = z.object({
  message: z.string().describe("Message contents. All unicode (including emojis) are supported."),
});

/** send_message: the reply to the user (replyMode "send_message"). */
export const sendMessageTool: ToolDefinition<z.infer<typeof sendMessageSchema>> = {
  name: "send_message",
  description: "Sends a message to the human user.",
  schema: sendMessageSchema,
  toolType: "letta_core",
  async run() {
    return "None";
  },
};

const appendSchema = z.object({
  label,
  content: z
    .string()
    .describe("Content to write to the memory. All unicode (including emojis) are supported."),
});

/** core_memory_append: adds a line to a block. */
export const coreMemoryAppendTool: ToolDefinition<z.infer<typeof appendSchema>> = {
  name: "core_memory_append",
  description:
    "Append to the contents of core memory. Use it to save important new facts about the user or yourself " +
    "that should always stay in view. The new content goes on a new line at the end of the block.",
  schema: appendSchema,
  toolType: "letta_memory_core",
  async run(args, ctx) {
    return commitEdit<"append">(ctx, args.label, { op: "append", text: args.content });
  },
};

const replaceSchema = z.object({
  label,
  old_content: z.string().describe("String to replace. Must be an exact match of text in the block."),
  new_content: z
    .string()
    .describe("Content to write to the memory. Use an empty string to delete old_content."),
});

/** core_memory_replace: exact text replacement in a block. */
export const coreMemoryReplaceTool: ToolDefinition<z.infer<typeof replaceSchema>> = {
  name: "core_memory_replace",
  description:
    "Replace the contents of core memory. To delete memories, use an empty string for new_content. " +
    "old_content must match the block's text exactly (every occurrence is replaced).",
  schema: replaceSchema,
  toolType: "letta_memory_core",
  async run(args, ctx) {
    return commitEdit<"replace">(ctx, args.label, {
      op: "replace",
      old: args.old_content,
      new: args.new_content,
    });
  },
};

const rethinkSchema = z.object({
  label,
  new_memory: z
    .string()
    .describe("The complete new contents of the block: reorganised, condensed and with new insights merged."),
});

/** memory_rethink: rewrites a whole block. */
export const memoryRethinkTool: ToolDefinition<z.infer<typeof rethinkSchema>> = {
  name: "memory_rethink",
  description:
    "Rewrite a memory block entirely. Use it to reorganise a block, merge new insights with what it " +
    "holds, remove outdated or contradictory lines, or condense it when it nears its chars_limit. " +
    "new_memory replaces the whole block, so include everything worth keeping.",
  schema: rethinkSchema,
  toolType: "letta_memory_core",
  async run(args, ctx) {
    // The basis is the value the model rewrote (what it saw, its own earlier edits in this step included):
    // the store refuses the rewrite if the block holds anything else at commit.
    const basis = findBlock(ctx.blocks, args.label).value;
    return commitEdit<"rethink">(ctx, args.label, { op: "rethink", value: args.new_memory, basis });
  },
};
