// Background runs through the official Letta client: createAsync answers a Run at once, the run finishes in
// the server process, and /v1/runs shows it, its messages and steps. Bad input is a JSON 4xx, never a 500.
import Letta from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessageReply } from "./scripted-model.ts";
import { eventually, openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let client: Letta;
let agentId = "";
let otherId = "";
beforeAll(async () => {
  fx = await openServerFixture();
  client = new Letta({ baseURL: fx.url, apiKey: "none", maxRetries: 0 });
  agentId = (await client.agents.create({ name: "bg_agent", model: "openai/gpt-4o-mini" })).id;
  otherId = (await client.agents.create({ name: "bg_other", model: "openai/gpt-4o-mini" })).id;
});
afterAll(async () => {
  await fx.close();
});

const finished = (id: string) =>
  eventually(async () => {
    const run = await client.runs.retrieve(id);
    return run.status === "created" || run.status === "running" ? null : run;
  });

describe("background runs with @letta-ai/letta-client", () => {
  it("createAsync returns a run that completes; its messages, steps and listing follow", async () => {
    fx.model.push({ ...sendMessageReply("Done in the background."), delayMs: 50 });
    const run = await client.agents.messages.createAsync(agentId, {
      messages: [{ role: "user", content: "Please work on this in the background." }],
    });
    expect(run.id).toMatch(/^run-/);
    expect(run.agent_id).toBe(agentId);
    expect(["created", "running"]).toContain(run.status);
    expect(run.completed_at).toBeNull();

    const done = await finished(run.id);
    expect(done).toMatchObject({ id: run.id, status: "completed", stop_reason: "end_turn" });
    expect(Date.parse(done.completed_at ?? "")).toBeGreaterThanOrEqual(Date.parse(done.created_at ?? ""));

    const messages = (await client.runs.messages.list(run.id)).getPaginatedItems();
    expect(messages[0]).toMatchObject({ message_type: "user_message", run_id: run.id });
    expect(JSON.stringify(messages[0])).toContain("in the background");
    const reply = messages.find((m) => m.message_type === "assistant_message");
    expect(reply && "content" in reply ? reply.content : null).toBe("Done in the background.");
    expect(messages.every((m) => m.run_id === run.id)).toBe(true);

    const steps = (await client.runs.steps.list(run.id)).getPaginatedItems();
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ run_id: run.id, agent_id: agentId });

    const mine = (await client.runs.list({ agent_id: agentId })).getPaginatedItems();
    expect(mine.map((r) => r.id)).toContain(run.id);
    expect(mine.every((r) => r.agent_id === agentId)).toBe(true);
    const others = (await client.runs.list({ agent_ids: [otherId] })).getPaginatedItems();
    expect(others.map((r) => r.id)).not.toContain(run.id);
    const failed = (await client.runs.list({ agent_id: agentId, statuses: ["failed"] })).getPaginatedItems();
    expect(failed.map((r) => r.id)).not.toContain(run.id);
    const completed = await client.runs.list({ statuses: ["completed"], stop_reason: "end_turn" });
    expect(completed.getPaginatedItems().map((r) => r.id)).toContain(run.id);
  });

  it("a run queued behind another waits as created; cancelling the agent's runs ends both", async () => {
    fx.model.push({ ...sendMessageReply("too slow"), delayMs: 30_000 });
    const before = fx.model.chatRequests().length;
    const first = await client.agents.messages.createAsync(agentId, { input: "first" });
    await eventually(async () => fx.model.chatRequests().length > before);
    const second = await client.agents.messages.createAsync(agentId, { input: "second" });
    expect(second.status).toBe("created");
    expect((await client.runs.retrieve(first.id)).status).toBe("running");
    const active = (await client.runs.list({ agent_id: agentId, active: true })).getPaginatedItems();
    expect(active.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());

    await client.agents.messages.cancel(agentId);
    expect(await finished(first.id)).toMatchObject({ status: "cancelled", stop_reason: "cancelled" });
    expect(await finished(second.id)).toMatchObject({ status: "cancelled", stop_reason: "cancelled" });
    const newestFirst = (await client.runs.list({ agent_id: agentId, limit: 2 })).getPaginatedItems();
    expect(newestFirst.map((r) => r.id)).toEqual([second.id, first.id]);
  });

  it("an unknown run is a 404 with a JSON error", async () => {
    await expect(client.runs.retrieve("run-does-not-exist")).rejects.toMatchObject({ status: 404 });
    for (const path of ["/v1/runs/run-nope", "/v1/runs/run-nope/messages", "/v1/runs/run-nope/steps"]) {
      const res = await fx.call("GET", path);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect((await readJson(res)).code).toBe("not_found");
    }
  });

  it("bad input is a JSON 4xx, never a 500", async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ["POST", "/v1/agents/agent-missing/messages/async", { input: "hi" }, 404],
      ["POST", `/v1/agents/${agentId}/messages/async`, { messages: "hi" }, 422],
      ["POST", `/v1/agents/${agentId}/messages/async`, {}, 422],
      ["POST", `/v1/agents/${agentId}/messages/async`, { input: "hi", max_steps: "many" }, 422],
      ["POST", `/v1/agents/${agentId}/messages/async`, { input: "hi", callback_url: "http://x" }, 422],
      ["POST", `/v1/agents/${agentId}/messages/async`, { input: "hi", streaming: true }, 422],
      ["POST", `/v1/agents/${agentId}/messages/async`, "{not json", 400],
      ["GET", "/v1/runs/?statuses=sleeping", undefined, 422],
      ["GET", "/v1/runs/?limit=abc", undefined, 422],
      ["GET", "/v1/runs/?stop_reason=bored", undefined, 422],
      ["GET", "/v1/runs/?order=sideways", undefined, 422],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await fx.call(method, path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(typeof (await readJson(res)).message).toBe("string");
    }
    const unknownAgent = await fx.call("GET", "/v1/runs/?agent_id=agent-missing");
    expect(await readJson(unknownAgent)).toEqual([]);
  });
});
