// Sleep-time companions with the scripted model: after every N turns, once the primary is idle, the
// companion reads the conversation and rewrites the primary's blocks in the background; its edits arrive
// as memory-edit events on the primary's watch, and the primary's next step sees them. The primary is
// never held up by a companion's pass.
import Letta from "@letta-ai/letta-client";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../src/index.ts";
import { type CoreFixture, openFixture } from "./core-fixture.ts";
import {
  type RecordedRequest,
  type ScriptedReplyObject,
  sendMessageReply,
  toolCallReply,
} from "./scripted-model.ts";
import { eventually, openServerFixture, type ServerFixture } from "./server-fixture.ts";

const ENV = { LMOS_SLEEPTIME_IDLE_MS: "100", LMOS_JOB_POLL_MS: "30", LMOS_SCHEDULER_TICK_MS: "30" };

let fx: CoreFixture | ServerFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const isCompanion = (req: RecordedRequest) => req.system.includes("You are a sleep-time memory agent");

/** The primary echoes; the companion rewrites "human" from the transcript (slowly, when asked to). */
function model(companionDelayMs = 0, passes: string[] = []) {
  return (req: RecordedRequest): ScriptedReplyObject => {
    if (!isCompanion(req)) return sendMessageReply(`You said: ${req.lastUserText}`);
    if (!req.lastUserText.includes("Messages:")) return { content: "done" };
    passes.push(req.lastUserText);
    const likes = /I love (\w+)/.exec(req.lastUserText)?.[1] ?? "nothing yet";
    return {
      ...toolCallReply("memory_rethink", { label: "human", new_memory: `Name: Ada. Loves ${likes}.` }),
      delayMs: companionDelayMs,
    };
  };
}

describe("sleep-time companions", () => {
  it("reorganises the primary's memory every N turns when it is idle; the primary sees the edit next step", async () => {
    const passes: string[] = [];
    fx = await openFixture({ env: ENV, fallback: model(0, passes) });
    const ada = await fx.os.agents.create({ name: "ada", enableSleeptime: true, sleeptimeFrequency: 2 });
    const state = await ada.state();
    const group = state.groups.find((g) => g.managerType === "sleeptime");
    expect(group).toMatchObject({ managerAgentId: ada.id, sleeptimeAgentFrequency: 2 });
    const companion = await fx.os.agents.get(group!.agentIds[0]);
    // The companion shares the primary's blocks (same ids), plus its own persona.
    const shared = (await companion.memory.list()).map((b) => b.id);
    for (const b of state.blocks) expect(shared).toContain(b.id);
    const edits: AgentEvent[] = [];
    ada.watch((e) => {
      if (e.type === "memory-edit") edits.push(e);
    });

    await ada.send("Hi, I'm Ada.");
    await fx.os.jobs.settled();
    expect(passes).toEqual([]); // one turn: not yet
    await ada.send("I love teal.");
    await eventually(async () => edits.length > 0);
    expect(edits[0]).toMatchObject({ agentId: companion.id, label: "human", tool: "memory_rethink" });
    expect(passes[0]).toContain("user: Hi, I'm Ada.");
    expect(passes[0]).toContain("user: I love teal.");
    expect(passes[0]).toContain("assistant: You said: I love teal.");
    expect((await ada.memory.get("human")).value).toBe("Name: Ada. Loves teal.");

    await ada.send("What do you know about me?");
    const primaryPrompt = fx.model
      .chatRequests()
      .filter((r) => !isCompanion(r))
      .at(-1)!.system;
    expect(primaryPrompt).toContain("Name: Ada. Loves teal.");
    // The pass is a run of the companion, chained to the primary's sleep-time group.
    const [pass] = await fx.os.runs.list({ agentIds: [companion.id] });
    expect(pass.chain).toMatchObject({ kind: "sleeptime", origin: group!.id, senderAgentId: ada.id });
    // The next pass reads only what came after the last one.
    await ada.send("I love jazz too.");
    await eventually(async () => passes.length === 2);
    expect(passes[1]).not.toContain("I love teal.");
    expect(passes[1]).toContain("I love jazz too.");
  });

  it("never blocks the primary: it answers while a slow pass is still running", async () => {
    fx = await openFixture({ env: ENV, fallback: model(4_000) });
    const ada = await fx.os.agents.create({ name: "ada", enableSleeptime: true, sleeptimeFrequency: 1 });
    const companionId = (await ada.state()).groups[0].agentIds[0];
    await ada.send("I love teal.");
    await eventually(async () => {
      const [r] = await fx!.os.runs.list({ agentIds: [companionId], statuses: ["running"] });
      return r;
    });
    const reply = await ada.send("Are you there?");
    expect(reply.reply).toBe("You said: Are you there?");
    const [still] = await fx.os.runs.list({ agentIds: [companionId] });
    expect(still.status).toBe("running");
  });

  it("is switched on with Letta's enable_sleeptime, and shows the group in the agent state", async () => {
    const sfx = await openServerFixture({ env: ENV, fallback: model() });
    fx = sfx;
    const client = new Letta({ baseURL: sfx.url, apiKey: "unused", maxRetries: 0 });
    const agent = await client.agents.create({
      name: "lea",
      model: "openai/gpt-4o-mini",
      enable_sleeptime: true,
    });
    expect(agent.enable_sleeptime).toBe(true);
    expect(agent.managed_group).toMatchObject({
      manager_type: "sleeptime",
      manager_agent_id: agent.id,
      sleeptime_agent_frequency: 5,
    });
    const companion = await client.agents.retrieve(agent.managed_group!.agent_ids[0]);
    expect(companion).toMatchObject({ name: "lea-sleeptime", agent_type: "sleeptime_agent" });
    const plain = await client.agents.create({ name: "plain", model: "openai/gpt-4o-mini" });
    const updated = await client.agents.update(plain.id, { enable_sleeptime: true });
    expect(updated.enable_sleeptime).toBe(true);
  });
});
