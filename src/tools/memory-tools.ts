// send_message and the core memory tools (MemGPT's base set). Edits apply to ctx.blocks at once, so later
// calls in the same step see them, and are queued in ctx.pending for the step's transaction.
import { z } from "zod";
import { appendToBlock, findBlock, replaceInBlock, rewriteBlock } from "../memory/index.ts";
import type { BlockRecord } from "../store/types.ts";
import type { ToolContext, ToolDefinition } from "./types.ts";

function commitEdit(ctx: ToolContext, block: BlockRecord, value: string): string {
  const updated: BlockRecord = { ...block, value, updatedAt: ctx.now };
  const i = ctx.blocks.findIndex((b) => b.id === block.id);
  if (i >= 0) ctx.blocks[i] = updated;
  ctx.pending.blockUpdates.push({ id: block.id, value });
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
    const block = findBlock(ctx.blocks, args.label);
    return commitEdit(ctx, block, appendToBlock(block, args.content));
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
    const block = findBlock(ctx.blocks, args.label);
    return commitEdit(ctx, block, replaceInBlock(block, args.old_content, args.new_content));
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
    const block = findBlock(ctx.blocks, args.label);
    return commitEdit(ctx, block, rewriteBlock(block, args.new_memory));
  },
};
