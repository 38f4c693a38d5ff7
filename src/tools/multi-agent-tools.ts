// Letta's multi-agent tools (letta/functions/function_sets/multi_agent.py and its in-process executor):
// a message to another agent without waiting, one that waits for the reply, one to every agent matching
// tags, and the supervisor's message to its group. The receiver sees who sent it (Letta's prefix with the
// sender's id); runtime's messenger delivers, bounds the chain and refuses messages that would deadlock.
import { z } from "zod";
import { type ToolContext, type ToolDefinition, ToolError } from "./types.ts";

function messenger(ctx: ToolContext) {
  if (!ctx.agents || !ctx.run) throw new ToolError("Error: messages between agents are not available here.");
  return { agents: ctx.agents, run: ctx.run };
}

/** The text a waited-for receiver gets (Letta's executor). */
export function waitPrefix(senderId: string): string {
  return `[Incoming message from agent with ID '${senderId}' - to reply to this message, make sure to use the 'send_message' at the end, and the system will notify the sender of your response]`;
}

/** The text a receiver of a message that nobody waits for gets (Letta's executor). */
export function asyncPrefix(senderId: string): string {
  return `[Incoming message from agent with ID '${senderId}' - to reply to this message, make sure to use the 'send_message_to_agent_async' tool, or the agent will not receive your message]`;
}

const message = z.string().min(1).describe("The content of the message to be sent to the target agent.");
const otherAgentId = z.string().min(1).describe("The unique identifier of the target Letta agent.");

const asyncSchema = z.object({ message, other_agent_id: otherAgentId });

/** send_message_to_agent_async: a one-way message; the receiver runs in the background. */
export const sendMessageToAgentAsyncTool: ToolDefinition<z.infer<typeof asyncSchema>> = {
  name: "send_message_to_agent_async",
  description:
    "Sends a message to a specific Letta agent within the same organization. The sender's identity is automatically included, so no explicit introduction is required in the message. This function does not expect a response from the target agent, making it suitable for notifications or one-way communication.",
  schema: asyncSchema,
  toolType: "letta_multi_agent_core",
  async run(args, ctx) {
    const { agents, run } = messenger(ctx);
    await agents.send({
      from: ctx.agent,
      runId: run.id,
      chain: run.chain,
      to: args.other_agent_id,
      text: `${asyncPrefix(ctx.agent.id)} ${args.message}`,
    });
    return "Successfully sent message";
  },
};

const waitSchema = z.object({ message, other_agent_id: otherAgentId });

/** send_message_to_agent_and_wait_for_reply: runs the receiver now and returns its replies. */
export const sendMessageToAgentAndWaitTool: ToolDefinition<z.infer<typeof waitSchema>> = {
  name: "send_message_to_agent_and_wait_for_reply",
  description:
    "Sends a message to a specific Letta agent within the same organization and waits for a response. The sender's identity is automatically included, so no explicit introduction is needed in the message. This function is designed for two-way communication where a reply is expected.",
  schema: waitSchema,
  toolType: "letta_multi_agent_core",
  async run(args, ctx) {
    const { agents, run } = messenger(ctx);
    const r = await agents.sendAndWait({
      from: ctx.agent,
      runId: run.id,
      chain: run.chain,
      to: args.other_agent_id,
      text: `${waitPrefix(ctx.agent.id)} ${args.message}`,
    });
    return JSON.stringify({
      agent_id: r.agentId,
      response: r.replies.length ? r.replies : ["<no response>"],
    });
  },
};

/** Sends to each receiver in turn, waiting for each; a receiver that fails is reported, not fatal. */
async function sendToEach(ctx: ToolContext, ids: string[], text: string): Promise<string> {
  const { agents, run } = messenger(ctx);
  const out: Array<Record<string, unknown>> = [];
  for (const to of ids) {
    try {
      const r = await agents.sendAndWait({ from: ctx.agent, runId: run.id, chain: run.chain, to, text });
      out.push({ agent_id: r.agentId, response: r.replies.length ? r.replies : ["<no response>"] });
    } catch (e) {
      if (ctx.signal?.aborted) throw e;
      out.push({ agent_id: to, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return JSON.stringify(out);
}

const tagsSchema = z.object({
  message: z.string().min(1).describe("The content of the message to be sent to each matching agent."),
  match_all: z
    .array(z.string())
    .describe("A list of tags that an agent must possess to receive the message."),
  match_some: z
    .array(z.string())
    .describe("A list of tags where an agent must have at least one to qualify."),
});

/** send_message_to_agents_matching_tags: waits for every agent with all of match_all and one of match_some. */
export const sendMessageToAgentsMatchingTagsTool: ToolDefinition<z.infer<typeof tagsSchema>> = {
  name: "send_message_to_agents_matching_tags",
  description:
    "Sends a message to all agents within the same organization that match the specified tag criteria. Agents must possess *all* of the tags in `match_all` and *at least one* of the tags in `match_some` to receive the message.",
  schema: tagsSchema,
  toolType: "letta_multi_agent_core",
  async run(args, ctx) {
    const { agents } = messenger(ctx);
    const matching = await agents.matchingTags(args.match_all, args.match_some, ctx.agent.id);
    return sendToEach(
      ctx,
      matching.map((a) => a.id),
      `${waitPrefix(ctx.agent.id)} ${args.message}`,
    );
  },
};

const groupSchema = z.object({
  message: z.string().min(1).describe("The content of the message to be sent to each matching agent."),
});

/** send_message_to_all_agents_in_group: a supervisor's message to the members of the group it manages. */
export const sendMessageToAllAgentsInGroupTool: ToolDefinition<z.infer<typeof groupSchema>> = {
  name: "send_message_to_all_agents_in_group",
  description: "Sends a message to all agents within the same multi-agent group.",
  schema: groupSchema,
  toolType: "letta_multi_agent_core",
  async run(args, ctx) {
    const { agents } = messenger(ctx);
    const members = await agents.groupMembers(ctx.agent.id);
    if (members.length === 0) throw new ToolError("Error: you supervise no group with members.");
    return sendToEach(
      ctx,
      members.map((a) => a.id),
      `${waitPrefix(ctx.agent.id)} ${args.message}`,
    );
  },
};

/** Letta's MULTI_AGENT_TOOLS (attached with include_multi_agent_tools). */
export const multiAgentTools: ToolDefinition[] = [
  sendMessageToAgentAndWaitTool,
  sendMessageToAgentsMatchingTagsTool,
  sendMessageToAgentAsyncTool,
];
