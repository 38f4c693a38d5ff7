// Groups with the scripted model: round robin with a shared block (an edit by one member is in the next
// speaker's context), a supervisor reaching its members, a dynamic manager naming speakers until the
// termination token, and Letta's /v1/groups over HTTP.
import { afterEach, describe, expect, it } from "vitest";
import type { AgentHandle } from "../src/index.ts";
import { type CoreFixture, openFixture, textOf } from "./core-fixture.ts";
import {
  type RecordedRequest,
  type ScriptedReplyObject,
  sendMessageReply,
  toolCallReply,
} from "./scripted-model.ts";
import { openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";

let fx: CoreFixture | ServerFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const speaker = (req: RecordedRequest) => /Name tag: (\w+)/.exec(req.system)?.[1] ?? "?";
const last = (req: RecordedRequest) => req.messages.at(-1)?.content ?? "";
const afterTool = (req: RecordedRequest) => last(req).includes('"type":"heartbeat"');
type Script = (req: RecordedRequest) => ScriptedReplyObject;

async function withAgents(
  scripts: Record<string, Script>,
  open: (fallback: (r: RecordedRequest) => ScriptedReplyObject) => Promise<CoreFixture | ServerFixture> = (
    fallback,
  ) => openFixture({ fallback }),
): Promise<Record<string, AgentHandle>> {
  const seen: RecordedRequest[] = [];
  fx = await open((req) => {
    seen.push(req);
    return scripts[speaker(req)]?.(req) ?? { content: "?" };
  });
  const out: Record<string, AgentHandle> = {};
  for (const name of Object.keys(scripts)) {
    out[name] = await fx.os.agents.create({
      name,
      memoryBlocks: [{ label: "persona", value: `Name tag: ${name}` }],
    });
  }
  return out;
}

describe("groups", () => {
  it("round robin: members speak in turn, hear each other, and see a shared block's edit on their next step", async () => {
    const systems: Record<string, string> = {};
    const agents = await withAgents({
      ann: (req) =>
        afterTool(req)
          ? sendMessageReply("Noted the date in our notes.")
          : toolCallReply("core_memory_append", {
              label: "team_notes",
              content: "Launch on Friday.",
              request_heartbeat: true,
            }),
      ben: (req) => {
        systems.ben = req.system;
        return sendMessageReply("Friday works for me.");
      },
      cat: (req) => {
        systems.cat = req.system;
        return sendMessageReply("I will book the room.");
      },
    });
    const notes = await fx!.os.blocks.create({ label: "team_notes", value: "Team notes:" });
    const group = await fx!.os.groups.create({
      agentIds: [agents.ann.id, agents.ben.id, agents.cat.id],
      description: "launch team",
      sharedBlockIds: [notes.id],
    });
    const turn = await fx!.os.groups.send(group.id, "Plan the launch.");
    expect(turn.runs.map((r) => r.agentId)).toEqual([agents.ann.id, agents.ben.id, agents.cat.id]);
    expect(turn.runs.map((r) => r.replies)).toEqual([
      ["Noted the date in our notes."],
      ["Friday works for me."],
      ["I will book the room."],
    ]);
    // Ann's edit of the shared block is in Ben's and Cat's context on their next step.
    expect(systems.ben).toContain("Launch on Friday.");
    expect(systems.cat).toContain("Launch on Friday.");
    expect((await agents.cat.memory.get("team_notes")).value).toContain("Launch on Friday.");
    // Ben heard the user and Ann; Cat heard the user, Ann and Ben.
    const benInput = (await fx!.os.runs.messages(turn.runs[1].runId))
      .filter((m) => m.role === "user")
      .map(textOf);
    expect(benInput.join("\n")).toContain("Plan the launch.");
    expect(benInput.join("\n")).toContain("Noted the date in our notes.");
    // Ann missed Ben and Cat: their replies are in her window now.
    const annWindow = (await agents.ann.state()).record.inContextMessageIds;
    const annMessages = await fx!.os.store.getMessages(annWindow);
    expect(annMessages.map(textOf).join("\n")).toContain("cat: I will book the room.");
    // One chain, in turn order, tagged with the group.
    const chain = turn.runs[0].runId;
    const runs = await fx!.os.runs.list({ chainId: chain });
    expect(runs.map((r) => [r.chain?.depth, r.chain?.origin])).toEqual([
      [0, group.id],
      [1, group.id],
      [2, group.id],
    ]);
  });

  it("supervisor: the manager messages every member and answers with what they said", async () => {
    const agents = await withAgents({
      boss: (req) =>
        afterTool(req)
          ? sendMessageReply(`Team says: ${JSON.parse(req.lastToolResult ?? "{}").message}`)
          : toolCallReply("send_message_to_all_agents_in_group", {
              message: "Status?",
              request_heartbeat: true,
            }),
      wes: () => sendMessageReply("wes: tests green"),
      uma: () => sendMessageReply("uma: docs done"),
    });
    const group = await fx!.os.groups.create({
      agentIds: [agents.wes.id, agents.uma.id],
      managerType: "supervisor",
      managerAgentId: agents.boss.id,
    });
    const turn = await fx!.os.groups.send(group.id, "How is the team?");
    expect(turn.runs).toHaveLength(1);
    expect(turn.runs[0].replies[0]).toContain("tests green");
    expect(turn.runs[0].replies[0]).toContain("docs done");
    const chain = await fx!.os.runs.list({ chainId: turn.runs[0].runId });
    expect(chain[0]).toMatchObject({ id: turn.runs[0].runId, chain: { depth: 0, kind: "group" } });
    const hops = chain.slice(1);
    expect(hops.map((r) => r.agentId).sort()).toEqual([agents.wes.id, agents.uma.id].sort());
    expect(hops.every((r) => r.chain?.depth === 1 && r.chain.origin === group.id)).toBe(true);
  });

  it("dynamic: the manager names the next speaker until a reply holds the termination token", async () => {
    const agents = await withAgents({
      host: (req) => sendMessageReply(last(req).includes("zed") ? "zed should answer" : "nobody"),
      zed: () => sendMessageReply("Here is the answer. DONE!"),
      yan: () => sendMessageReply("I should not speak."),
    });
    const group = await fx!.os.groups.create({
      agentIds: [agents.zed.id, agents.yan.id],
      managerType: "dynamic",
      managerAgentId: agents.host.id,
      maxTurns: 3,
    });
    const turn = await fx!.os.groups.send(group.id, "Who knows?");
    expect(turn.runs.map((r) => r.agentId)).toEqual([agents.host.id, agents.zed.id]);
    const ask = (await fx!.os.runs.messages(turn.runs[0].runId)).map(textOf).join("\n");
    expect(ask).toContain("Choose the most suitable agent");
    expect(ask).toContain("user: Who knows?");
  });

  it("serves Letta's /v1/groups: create, send, list messages, shared blocks, delete", async () => {
    const agents = await withAgents(
      { red: () => sendMessageReply("red here"), blue: () => sendMessageReply("blue here") },
      (fallback) => openServerFixture({ fallback }),
    );
    const sfx = fx as ServerFixture;
    const block = await readJson(await sfx.call("POST", "/v1/blocks/", { label: "shared", value: "v1" }));
    const created = await readJson(
      await sfx.call("POST", "/v1/groups/", {
        agent_ids: [agents.red.id, agents.blue.id],
        description: "colours",
        manager_config: { manager_type: "round_robin" },
        shared_block_ids: [block.id],
      }),
    );
    expect(created).toMatchObject({
      manager_type: "round_robin",
      agent_ids: [agents.red.id, agents.blue.id],
    });
    expect((await agents.blue.memory.get("shared")).id).toBe(block.id);
    const res = await readJson(
      await sfx.call("POST", `/v1/groups/${created.id}/messages`, {
        messages: [{ role: "user", content: "hi all" }],
      }),
    );
    const said = res.messages
      .filter((m: any) => m.message_type === "assistant_message")
      .map((m: any) => m.content);
    expect(said).toEqual(["red here", "blue here"]);
    expect(res.usage.run_ids).toHaveLength(2);
    const listed = await readJson(await sfx.call("GET", `/v1/groups/${created.id}/messages?limit=50`));
    expect(
      listed.filter((m: any) => m.message_type === "assistant_message").map((m: any) => m.content),
    ).toEqual(["blue here", "red here"]);
    expect(
      (await sfx.call("POST", "/v1/groups/", { agent_ids: ["agent-nope"], description: "x" })).status,
    ).toBe(404);
    expect(
      (
        await sfx.call("POST", "/v1/groups/", {
          agent_ids: [],
          description: "x",
          manager_config: { manager_type: "supervisor" },
        })
      ).status,
    ).toBe(422);
    expect((await sfx.call("DELETE", `/v1/groups/${created.id}`)).status).toBe(200);
    expect((await sfx.call("GET", `/v1/groups/${created.id}`)).status).toBe(404);
  });
});
