// Messages between agents through Letta's multi-agent tools, driven by the scripted model: the receiver
// sees who sent it, a waited-for reply comes back as the tool result, a one-way message runs the receiver
// in the background, tags pick receivers, and chains are bounded and visible in the runs.
import { afterEach, describe, expect, it } from "vitest";
import type { AgentHandle } from "../src/index.ts";
import type { RecordedRequest } from "./scripted-model.ts";
import { type CoreFixture, openFixture, textOf, toolResult } from "./core-fixture.ts";
import { sendMessageReply, toolCallReply, type ScriptedReplyObject } from "./scripted-model.ts";
import { eventually } from "./server-fixture.ts";

let fx: CoreFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** Which agent a request comes from: its persona block says "Name tag: <name>". */
const speaker = (req: RecordedRequest) => /Name tag: (\w+)/.exec(req.system)?.[1] ?? "?";
const last = (req: RecordedRequest) => req.messages.at(-1);

/** A scripted model that answers each agent by its own script. */
async function team(
  env: Record<string, string>,
  scripts: Record<string, (req: RecordedRequest) => ScriptedReplyObject>,
  tags: Record<string, string[]> = {},
): Promise<Record<string, AgentHandle>> {
  fx = await openFixture({ env, fallback: (req) => scripts[speaker(req)]?.(req) ?? { content: "?" } });
  const out: Record<string, AgentHandle> = {};
  for (const name of Object.keys(scripts)) {
    out[name] = await fx.os.agents.create({
      name,
      includeMultiAgentTools: true,
      tags: tags[name] ?? [],
      memoryBlocks: [{ label: "persona", value: `Name tag: ${name}` }],
    });
  }
  return out;
}

/** The model is called again after a tool call that asked for a heartbeat. */
const afterTool = (req: RecordedRequest) => (last(req)?.content ?? "").includes('"type":"heartbeat"');
const isIncoming = (req: RecordedRequest) =>
  (last(req)?.content ?? "").includes("[Incoming message from agent");

describe("agent-to-agent messages", () => {
  it("sends and waits: the receiver sees the sender, its reply is the tool result, the chain is in the runs", async () => {
    const agents = await team(
      {},
      {
        asker: (req) =>
          afterTool(req)
            ? sendMessageReply(`Bob says: ${toolResult2(req)}`)
            : toolCallReply("send_message_to_agent_and_wait_for_reply", {
                message: "What is six times seven?",
                other_agent_id: agents.bob.id,
                request_heartbeat: true,
              }),
        bob: () => sendMessageReply("42"),
      },
    );
    const run = await agents.asker.send("Ask Bob.");
    expect(run.reply).toContain('"response":["42"]');
    const [hop] = await fx!.os.runs.list({ chainId: run.runId });
    expect(hop).toMatchObject({
      agentId: agents.bob.id,
      status: "completed",
      chain: {
        id: run.runId,
        depth: 1,
        parentRunId: run.runId,
        senderAgentId: agents.asker.id,
        kind: "agent_message",
      },
    });
    const [incoming] = await fx!.os.runs.messages(hop.id);
    expect(incoming.name).toBe("asker");
    expect(textOf(incoming)).toContain(`[Incoming message from agent with ID '${agents.asker.id}'`);
    expect(textOf(incoming)).toContain("What is six times seven?");
  });

  it("sends without waiting: the sender's run ends at once, the receiver runs in the background", async () => {
    const agents = await team(
      {},
      {
        notifier: () =>
          toolCallReply("send_message_to_agent_async", {
            message: "The build is green.",
            other_agent_id: "listener",
          }),
        listener: () => sendMessageReply("noted"),
      },
    );
    const run = await agents.notifier.send("Tell the listener.");
    expect(
      run.messages.some((m) => m.role === "tool" && textOf(m).includes("Successfully sent message")),
    ).toBe(true);
    const hop = await eventually(async () => {
      const [r] = await fx!.os.runs.list({ chainId: run.runId, statuses: ["completed"] });
      return r;
    });
    expect(hop.agentId).toBe(agents.listener.id);
    const msgs = await fx!.os.runs.messages(hop.id);
    expect(textOf(msgs[0])).toContain("The build is green.");
    expect(JSON.stringify(msgs.map((m) => m.toolCalls))).toContain("noted");
  });

  it("stops two agents that would forward a message to each other forever", async () => {
    const forward = (other: string) => (req: RecordedRequest) =>
      isIncoming(req) || last(req)?.content === "Start the relay."
        ? toolCallReply("send_message_to_agent_async", { message: "pass it on", other_agent_id: other })
        : sendMessageReply("The relay stopped.");
    const agents = await team(
      { LMOS_CHAIN_MAX_DEPTH: "5" },
      { ping: forward("pong"), pong: forward("ping") },
    );
    const first = await agents.ping.send("Start the relay.");
    // The chain ends: a hop's message is refused, its run yields, and no job is left.
    await eventually(async () => {
      const runs = await fx!.os.runs.list({ chainId: first.runId });
      const open = await fx!.os.store.listJobs({ statuses: ["queued", "running"] });
      return runs.length === 5 && runs.every((r) => r.status === "completed") && open.length === 0;
    }, 30_000);
    const runs = await fx!.os.runs.list({ chainId: first.runId });
    expect(runs.map((r) => r.chain?.depth)).toEqual([1, 2, 3, 4, 5]);
    expect(runs.map((r) => r.agentId)).toEqual([
      agents.pong.id,
      agents.ping.id,
      agents.pong.id,
      agents.ping.id,
      agents.pong.id,
    ]);
    const lastRun = await fx!.os.runs.messages(runs[4].id);
    const refused = lastRun.find((m) => m.role === "tool");
    expect(refused && toolResult(refused)).toMatchObject({ status: "Failed" });
    expect(refused && toolResult(refused).message).toContain("not delivered");
    await fx!.os.jobs.settled();
    expect(await fx!.os.runs.list({ chainId: first.runId })).toHaveLength(5);
  });

  it("messages every agent matching tags and collects their replies", async () => {
    const agents = await team(
      {},
      {
        lead: (req) =>
          afterTool(req)
            ? sendMessageReply(toolResult2(req))
            : toolCallReply("send_message_to_agents_matching_tags", {
                message: "Status?",
                match_all: ["team"],
                match_some: ["backend", "frontend"],
                request_heartbeat: true,
              }),
        api: () => sendMessageReply("api ok"),
        web: () => sendMessageReply("web ok"),
        ops: () => sendMessageReply("ops never asked"),
      },
      { lead: ["team"], api: ["team", "backend"], web: ["team", "frontend"], ops: ["ops"] },
    );
    const run = await agents.lead.send("Ask the team.");
    const answers = JSON.parse(run.reply) as Array<{ agent_id: string; response: string[] }>;
    expect(answers.map((a) => a.agent_id).sort()).toEqual([agents.api.id, agents.web.id].sort());
    expect(answers.flatMap((a) => a.response).sort()).toEqual(["api ok", "web ok"]);
  });

  it("refuses a wait that would deadlock, and times out a receiver that does not answer", async () => {
    const agents = await team(
      { LMOS_AGENT_REPLY_TIMEOUT_MS: "400" },
      {
        first: (req) =>
          afterTool(req)
            ? sendMessageReply(toolResult2(req))
            : toolCallReply("send_message_to_agent_and_wait_for_reply", {
                message: req.lastUserText.includes("slow") ? "take your time" : "hello",
                other_agent_id: req.lastUserText.includes("slow") ? "slow" : "second",
                request_heartbeat: true,
              }),
        second: (req) =>
          afterTool(req)
            ? sendMessageReply(`back: ${toolResult2(req)}`)
            : toolCallReply("send_message_to_agent_and_wait_for_reply", {
                message: "and you?",
                other_agent_id: agents.first.id,
                request_heartbeat: true,
              }),
        slow: () => ({ ...sendMessageReply("too late"), delayMs: 5_000 }),
      },
    );
    const run = await agents.first.send("Say hello.");
    expect(run.reply).toContain("is waiting for your reply");
    const slow = await agents.first.send("Ask the slow one.");
    expect(slow.reply).toContain("did not reply within");
    const [cut] = await fx!.os.runs.list({ agentIds: [agents.slow.id] });
    expect(cut.status).toBe("cancelled");
  });
});

/** The message of the last tool result the model was shown. */
function toolResult2(req: RecordedRequest): string {
  const raw = req.lastToolResult ?? "{}";
  return (JSON.parse(raw) as { message?: string }).message ?? raw;
}
