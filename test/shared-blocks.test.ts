// A standalone block shared by several agents that run in parallel, over the REST API: every append the
// server acknowledged is in the block afterwards, and an edit that can no longer apply when its step
// commits (its text was changed meanwhile) reaches the model as a failed tool call, never as "updated".
import { afterEach, beforeEach, expect, it } from "vitest";
import { readJson, type ServerFixture, openServerFixture } from "./server-fixture.ts";
import type { RecordedRequest, ScriptedReplyObject } from "./scripted-model.ts";

let fx: ServerFixture;

/** The scripted model: "note: X" → core_memory_append X on the team block after a short, varied delay
 * (so that the steps of different agents overlap); anything else → "done". */
function teamModel(req: RecordedRequest): ScriptedReplyObject {
  const note = /^note: (.+)$/.exec(req.lastUserText);
  if (note && req.messages.at(-1)?.role === "user") {
    return {
      toolCalls: [{ name: "core_memory_append", arguments: { label: "team", content: note[1] } }],
      delayMs: 1 + (note[1].length % 7) * 3,
    };
  }
  return { content: "done" };
}

beforeEach(async () => {
  fx = await openServerFixture({ fallback: teamModel, env: { LMOS_MODEL: "openai/gpt-4o-mini" } });
});
afterEach(async () => {
  await fx.close();
});

async function json(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fx.call(method, path, body);
  const out = await readJson(res);
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

async function sharedBlock(agents: number, value: string, limit = 20_000) {
  const block = await json("POST", "/v1/blocks/", { label: "team", value, limit });
  const ids: string[] = [];
  for (let i = 0; i < agents; i++) {
    const agent = await json("POST", "/v1/agents/", { name: `member-${i}` });
    await json("PATCH", `/v1/agents/${agent.id}/core-memory/blocks/attach/${block.id}`);
    ids.push(agent.id);
  }
  return { blockId: block.id as string, agentIds: ids };
}

it("keeps every acknowledged append of 12 concurrent sends over 4 agents, 20 rounds", async () => {
  const { blockId, agentIds } = await sharedBlock(4, "Team facts:");
  const acknowledged: string[] = [];
  for (let round = 0; round < 20; round++) {
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const fact = `fact r${round} s${i}`;
        const res = await json("POST", `/v1/agents/${agentIds[i % 4]}/messages`, {
          messages: [{ role: "user", content: `note: ${fact}` }],
        });
        const ret = res.messages.find((m: any) => m.message_type === "tool_return_message");
        expect(ret?.status).toBe("success");
        expect(JSON.parse(ret?.tool_return).message).toContain('"team" updated');
        acknowledged.push(fact);
      }),
    );
  }
  const value: string = (await json("GET", `/v1/blocks/${blockId}`)).value;
  const lines = value.split("\n");
  expect(lines[0]).toBe("Team facts:");
  expect(lines.slice(1).sort()).toEqual([...acknowledged].sort());
  // every agent sees the block as it is now
  for (const id of agentIds) {
    const own = await json("GET", `/v1/agents/${id}/core-memory/blocks/team`);
    expect(own.value).toBe(value);
  }
}, 120_000);

it("a replace whose text was changed before its step committed fails to the model, which acts on it", async () => {
  const { blockId, agentIds } = await sharedBlock(1, "Office: Paris");
  const before = fx.model.chatRequests().length;
  fx.model.push(
    {
      toolCalls: [
        {
          name: "core_memory_replace",
          arguments: { label: "team", old_content: "Paris", new_content: "Rome" },
        },
      ],
      delayMs: 400,
    },
    { content: "noted: the office moved to Lyon, not Rome" },
  );
  const send = json("POST", `/v1/agents/${agentIds[0]}/messages`, {
    messages: [{ role: "user", content: "We moved to Rome." }],
  });
  // while the model "thinks", someone else edits the block
  const deadline = Date.now() + 10_000;
  while (fx.model.chatRequests().length === before && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await json("PATCH", `/v1/blocks/${blockId}`, { value: "Office: Lyon" });
  const res = await send;
  const ret = res.messages.find((m: any) => m.message_type === "tool_return_message");
  expect(ret.status).toBe("error");
  expect(ret.tool_return).toContain("your edit was not saved");
  expect(ret.tool_return).not.toContain("updated");
  // the model got another step, with the error as the call's result
  const second = fx.model.chatRequests()[before + 1];
  expect(JSON.parse(second?.lastToolResult ?? "{}").message).toContain('old content "Paris" not found');
  expect(res.messages.at(-1)).toMatchObject({ content: "noted: the office moved to Lyon, not Rome" });
  expect((await json("GET", `/v1/blocks/${blockId}`)).value).toBe("Office: Lyon");
});

it("a rethink written before another agent's append is refused with the current value; the append stays", async () => {
  const { blockId, agentIds } = await sharedBlock(2, "Plan: ship");
  const before = fx.model.chatRequests().length;
  fx.model.push({
    toolCalls: [{ name: "memory_rethink", arguments: { label: "team", new_memory: "Plan: ship on Friday" } }],
    delayMs: 400,
  });
  const rethink = json("POST", `/v1/agents/${agentIds[0]}/messages`, {
    messages: [{ role: "user", content: "Rewrite the plan." }],
  });
  const deadline = Date.now() + 10_000;
  while (fx.model.chatRequests().length === before && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const append = await json("POST", `/v1/agents/${agentIds[1]}/messages`, {
    messages: [{ role: "user", content: "note: QA signs off first" }],
  });
  expect(append.messages.find((m: any) => m.message_type === "tool_return_message").status).toBe("success");
  const res = await rethink;
  const ret = res.messages.find((m: any) => m.message_type === "tool_return_message");
  expect(ret.status).toBe("error");
  expect(ret.tool_return).toContain("changed since you read it");
  expect(ret.tool_return).toContain("QA signs off first");
  expect((await json("GET", `/v1/blocks/${blockId}`)).value).toBe("Plan: ship\nQA signs off first");
});
