// Letta's tool rules set through the real @letta-ai/letta-client and enforced by the kernel: what the model
// is offered (and forced to call) at each step, the tool error a rule violation gets, and how terminal,
// child, max-count and required-before-exit rules decide when the run stops. The scripted model plays the LLM.
import Letta from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let client: Letta;
beforeAll(async () => {
  fx = await openServerFixture();
  client = new Letta({ baseURL: fx.url, apiKey: null, maxRetries: 0 });
});
afterAll(async () => {
  await fx.close();
});

function toolReturns(
  messages: Array<{ message_type?: string }>,
): Array<{ status: string; tool_return: string }> {
  return messages.filter((m) => m.message_type === "tool_return_message") as never;
}

describe("tool rules (Letta's tool_rules on agent create/update)", () => {
  it("runs first, constrains the next tool, refuses a call out of turn, and ends on the terminal tool", async () => {
    const agent = await client.agents.create({
      name: "ruled",
      agent_type: "memgpt_agent",
      model: "openai/gpt-4o-mini",
      tool_rules: [
        { type: "run_first", tool_name: "archival_memory_search" },
        { type: "constrain_child_tools", tool_name: "archival_memory_search", children: ["send_message"] },
        { type: "exit_loop", tool_name: "send_message" },
      ],
    });
    expect(agent.tool_rules?.map((r) => r.type)).toEqual(["run_first", "constrain_child_tools", "exit_loop"]);
    const before = fx.model.requests.length;
    fx.model.push(
      // no heartbeat asked: the child rule alone keeps the loop going
      toolCallReply("archival_memory_search", { query: "cats", request_heartbeat: false }),
      toolCallReply("core_memory_append", { label: "human", content: "likes cats", request_heartbeat: true }),
      // a terminal tool stops the run even when it asks for a heartbeat
      sendMessageReply("I found nothing about cats.", { request_heartbeat: true }),
    );
    const response = await client.agents.messages.create(agent.id, {
      messages: [{ role: "user", content: "What do you know about cats?" }],
    });
    expect(response.stop_reason.stop_reason).toBe("tool_rule");
    const [first, second, third] = fx.model.requests.slice(before);
    expect(fx.model.requests.length - before).toBe(3);
    // step 1: only the init tool, and a tool call is required
    expect(first.toolNames).toEqual(["archival_memory_search"]);
    expect(first.body.tool_choice).toBe("required");
    expect(first.system).toContain("<tool_usage_rules>");
    expect(first.system).toContain(
      "After using archival_memory_search, you must use one of these tools: send_message",
    );
    // step 2: the child rule narrows the offer to send_message; the model ignores it
    expect(second.toolNames).toEqual(["send_message"]);
    expect(second.body.tool_choice).toBe("required");
    // step 3: still constrained (a refused call is not a call), and the model saw why it was refused
    expect(third.toolNames).toEqual(["send_message"]);
    expect(third.lastToolResult).toContain("[ToolConstraintError] Cannot call core_memory_append");
    const returns = toolReturns(response.messages);
    expect(returns.map((r) => r.status)).toEqual(["success", "error", "success"]);
    const reply = response.messages.find((m) => m.message_type === "assistant_message");
    expect(reply && "content" in reply ? reply.content : "").toBe("I found nothing about cats.");
    // the refused call changed nothing
    const human = await client.agents.blocks.retrieve("human", { agent_id: agent.id });
    expect(human.value).not.toContain("likes cats");
  });

  it("caps calls per response and keeps the loop going until a required tool was called", async () => {
    const agent = await client.agents.create({
      name: "capped",
      agent_type: "letta_v1_agent",
      model: "openai/gpt-4o-mini",
      tool_rules: [
        { type: "max_count_per_step", tool_name: "archival_memory_insert", max_count_limit: 1 },
        { type: "required_before_exit", tool_name: "archival_memory_search" },
      ],
    });
    const before = fx.model.requests.length;
    fx.model.push(
      {
        toolCalls: [
          { name: "archival_memory_insert", arguments: { content: "first fact" } },
          { name: "archival_memory_insert", arguments: { content: "second fact" } },
        ],
      },
      { content: "Both saved." },
      toolCallReply("archival_memory_search", { query: "fact" }),
      { content: "Done: I saved one fact and searched." },
    );
    const response = await client.agents.messages.create(agent.id, {
      messages: [{ role: "user", content: "Save two facts." }],
    });
    expect(response.stop_reason.stop_reason).toBe("end_turn");
    const requests = fx.model.requests.slice(before);
    expect(requests).toHaveLength(4);
    const returns = toolReturns(response.messages);
    expect(returns[0].status).toBe("success");
    expect(returns[1].status).toBe("error");
    expect(returns[1].tool_return).toContain("Cannot call archival_memory_insert");
    // after the cap the tool is no longer offered in this run
    expect(requests[1].toolNames).not.toContain("archival_memory_insert");
    // text alone did not end the run: the model was told the required tool is missing
    expect(requests[2].lastUserText).toContain(
      "You must call archival_memory_search at least once to exit the loop",
    );
    const passages = await client.agents.passages.list(agent.id);
    expect(passages.map((p) => p.text)).toEqual(["first fact"]);
    // a new run starts a fresh count
    fx.model.push(toolCallReply("archival_memory_search", { query: "x" }), { content: "ok" });
    const again = await client.agents.messages.create(agent.id, { input: "search once more" });
    expect(again.stop_reason.stop_reason).toBe("end_turn");
    expect(fx.model.requests.at(-2)?.toolNames).toContain("archival_memory_insert");
  });

  it("replaces the rules on update; no rules, no constraints", async () => {
    const agent = await client.agents.create({
      name: "relaxed",
      agent_type: "memgpt_agent",
      model: "openai/gpt-4o-mini",
      tool_rules: [{ type: "run_first", tool_name: "conversation_search" }],
    });
    const updated = await client.agents.update(agent.id, {
      tool_rules: [{ type: "continue_loop", tool_name: "core_memory_append" }],
    });
    expect(updated.tool_rules).toEqual([
      { type: "continue_loop", tool_name: "core_memory_append", prompt_template: null },
    ]);
    const before = fx.model.requests.length;
    fx.model.push(
      toolCallReply("core_memory_append", { label: "human", content: "Name: Bo", request_heartbeat: false }),
      sendMessageReply("Noted, Bo."),
    );
    const response = await client.agents.messages.create(agent.id, { input: "I'm Bo." });
    expect(response.stop_reason.stop_reason).toBe("end_turn");
    const requests = fx.model.requests.slice(before);
    // the continue rule took a second step although no heartbeat was asked for
    expect(requests).toHaveLength(2);
    expect(requests[0].toolNames.length).toBeGreaterThan(3);
    expect(requests[0].body.tool_choice).toBe("auto");
    expect(requests[1].lastUserText).toContain("Continuing: continue tool rule.");
    await client.agents.update(agent.id, { tool_rules: [] });
    expect((await client.agents.retrieve(agent.id)).tool_rules).toEqual([]);
  });

  it("refuses malformed rules with a 422 naming the field", async () => {
    await expect(
      client.agents.create({
        name: "bad_rules",
        model: "openai/gpt-4o-mini",
        tool_rules: [{ type: "max_count_per_step", tool_name: "send_message", max_count_limit: 0 }],
      }),
    ).rejects.toThrow(/422.*tool_rules/);
    await expect(
      client.agents.create({
        name: "bad_rules2",
        model: "openai/gpt-4o-mini",
        tool_rules: [{ type: "run_first", tool_name: "send_message", args: { message: "hi" } }],
      }),
    ).rejects.toThrow(/prefilled args are not supported/);
  });
});
