// Human approval through the real @letta-ai/letta-client: a tool that requires approval pauses the run with
// stop reason requires_approval, the paused run survives a server restart (new process state, same SQLite
// file), an approval runs the held call and the run goes on, and a denial reaches the model with its reason.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Letta from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import type { Lmos } from "../src/index.ts";
import { type RunningServer, startServer } from "../src/server/index.ts";
import { type ScriptedModel, sendMessageReply, startScriptedModel, toolCallReply } from "./scripted-model.ts";

let model: ScriptedModel;
let home: string;
let lmos: Lmos;
let server: RunningServer;
let client: Letta;

async function up(): Promise<void> {
  lmos = await openLmos({
    home,
    env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test", LMOS_MAX_RETRIES: "0" },
  });
  server = await startServer({ lmos, port: 0, apiKey: "", corsOrigins: [] });
  client = new Letta({ baseURL: server.url, apiKey: null, maxRetries: 0 });
}

async function down(): Promise<void> {
  await server.close();
  await lmos.close();
}

beforeAll(async () => {
  model = await startScriptedModel();
  home = mkdtempSync(join(tmpdir(), "lmos-approval-"));
  await up();
});
afterAll(async () => {
  await down();
  await model.close();
  rmSync(home, { recursive: true, force: true });
});

type Msg = { message_type?: string } & Record<string, any>;
const ofType = (messages: Msg[], type: string) => messages.filter((m) => m.message_type === type);

describe("human approval (requires_approval)", () => {
  let agentId = "";
  let callId = "";

  it("pauses the run at a tool that requires approval, holding the call", async () => {
    const agent = await client.agents.create({ name: "careful", model: "openai/gpt-4o-mini" });
    agentId = agent.id;
    const flagged = await client.agents.tools.updateApproval("archival_memory_insert", {
      agent_id: agentId,
      body_requires_approval: true,
      query_requires_approval: true,
    });
    expect(flagged?.tool_rules).toContainEqual(
      expect.objectContaining({ type: "requires_approval", tool_name: "archival_memory_insert" }),
    );
    model.push(
      toolCallReply("archival_memory_insert", {
        content: "The launch code is 0000.",
        request_heartbeat: true,
      }),
    );
    const response = await client.agents.messages.create(agentId, {
      messages: [{ role: "user", content: "Remember the launch code 0000." }],
    });
    expect(response.stop_reason.stop_reason).toBe("requires_approval");
    const [request] = ofType(response.messages as Msg[], "approval_request_message");
    expect(request.tool_call.name).toBe("archival_memory_insert");
    callId = request.tool_call.tool_call_id;
    expect(request.tool_calls.map((c: Msg) => c.tool_call_id)).toEqual([callId]);
    expect(ofType(response.messages as Msg[], "tool_return_message")).toHaveLength(0);
    // nothing ran: no passage stored
    expect(await client.agents.passages.list(agentId)).toEqual([]);
    const state = await client.agents.retrieve(agentId);
    expect(state.pending_approval?.tool_call).toMatchObject({ name: "archival_memory_insert" });
    expect(state.last_stop_reason).toBe("requires_approval");
  });

  it("refuses a new message while the approval is pending (409 PENDING_APPROVAL)", async () => {
    const before = model.requests.length;
    await expect(
      client.agents.messages.create(agentId, { messages: [{ role: "user", content: "hello?" }] }),
    ).rejects.toThrow(/409.*PENDING_APPROVAL/);
    expect(model.requests.length).toBe(before);
  });

  it("keeps the paused run across a server restart and runs the call once approved", async () => {
    await down();
    await up();
    let seen: { toolResult?: string; ids: string[] } = { ids: [] };
    model.push((req) => {
      seen = {
        toolResult: req.lastToolResult,
        ids: req.messages.flatMap((m) => m.toolCalls?.map((c) => c.id) ?? []),
      };
      return sendMessageReply("Saved it.");
    });
    const response = await client.agents.messages.create(agentId, {
      messages: [
        { type: "approval", approvals: [{ type: "approval", approve: true, tool_call_id: callId }] },
      ],
    });
    expect(response.stop_reason.stop_reason).toBe("end_turn");
    const [ret] = ofType(response.messages as Msg[], "tool_return_message");
    expect(ret).toMatchObject({ tool_call_id: callId, status: "success" });
    // the model saw its own held call and the result of running it
    expect(seen.ids).toContain(callId);
    expect(seen.toolResult).toContain('"status":"OK"');
    const passages = await client.agents.passages.list(agentId);
    expect(passages.map((p) => p.text)).toEqual(["The launch code is 0000."]);
    expect((await client.agents.retrieve(agentId)).pending_approval).toBeNull();
  });

  it("sends a denial's reason to the model (streamed), and stores request and response in the history", async () => {
    model.push(toolCallReply("archival_memory_insert", { content: "secret", request_heartbeat: true }));
    const paused = await client.agents.messages.create(agentId, { input: "Also remember 'secret'." });
    const [request] = ofType(paused.messages as Msg[], "approval_request_message");
    let denial = "";
    model.push((req) => {
      denial = req.lastToolResult ?? "";
      return sendMessageReply("Understood, I will not save it.");
    });
    const stream = await client.agents.messages.stream(agentId, {
      messages: [
        {
          type: "approval",
          approvals: [
            {
              type: "approval",
              approve: false,
              tool_call_id: request.tool_call.tool_call_id,
              reason: "not in memory, please",
            },
          ],
        },
      ],
      stream_tokens: false,
    });
    const frames: Msg[] = [];
    for await (const chunk of stream) frames.push(chunk as Msg);
    expect(denial).toContain("request to call tool denied. User reason: not in memory, please");
    const [ret] = ofType(frames, "tool_return_message");
    expect(ret.status).toBe("error");
    expect(ofType(frames, "stop_reason")[0].stop_reason).toBe("end_turn");
    expect((await client.agents.passages.list(agentId)).length).toBe(1);
    const history = (await client.agents.messages.list(agentId, { order: "asc", limit: 100 })).items as Msg[];
    const responses = ofType(history, "approval_response_message");
    expect(responses.map((r) => r.approvals[0].approve)).toEqual([true, false]);
    expect(responses[1].approvals[0].reason).toBe("not in memory, please");
    expect(ofType(history, "approval_request_message")).toHaveLength(2);
  });

  it("rejects an approval when nothing is pending, or for a call that is not held", async () => {
    await expect(
      client.agents.messages.create(agentId, {
        messages: [
          { type: "approval", approvals: [{ type: "approval", approve: true, tool_call_id: "call_x" }] },
        ],
      }),
    ).rejects.toThrow(/422.*no tool call is currently awaiting approval/);
    model.push(toolCallReply("archival_memory_insert", { content: "third", request_heartbeat: false }));
    await client.agents.messages.create(agentId, { input: "and 'third'" });
    await expect(
      client.agents.messages.create(agentId, {
        messages: [
          { type: "approval", approvals: [{ type: "approval", approve: true, tool_call_id: "call_x" }] },
        ],
      }),
    ).rejects.toThrow(/422.*not awaiting approval/);
    // the legacy form (approve + approval_request_id) answers what is pending
    model.push(sendMessageReply("ok"));
    const legacy = await client.agents.messages.create(agentId, {
      messages: [{ type: "approval", approve: true, approval_request_id: "message-legacy" }],
    });
    expect(ofType(legacy.messages as Msg[], "tool_return_message")[0].status).toBe("success");
  });

  it("flags tools that ask for approval by default when they are attached", async () => {
    const tool = await client.tools.create({
      source_code: 'def ping() -> str:\n    """Ping."""\n    return \'pong\'\n',
      default_requires_approval: true,
    });
    expect(tool.default_requires_approval).toBe(true);
    const state = await client.agents.tools.attach(tool.id, { agent_id: agentId });
    expect(state?.tool_rules).toContainEqual(
      expect.objectContaining({ type: "requires_approval", tool_name: "ping" }),
    );
    const off = await client.agents.tools.updateApproval("ping", {
      agent_id: agentId,
      body_requires_approval: false,
      query_requires_approval: false,
    });
    expect(off?.tool_rules?.some((r) => r.tool_name === "ping")).toBe(false);
  });
});
