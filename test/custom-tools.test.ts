// Custom tools end to end: a Letta user creates a Python, a JavaScript and a TypeScript tool with the
// official client, attaches them, and the (scripted) model calls them; the results are in the
// conversation. The agent's secrets reach the tools and no response; a tool past its limit fails to the
// model with the limit named, and the run and the server go on.
import Letta from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxPool, type Sandbox } from "../src/tools/index.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let client: Letta;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = createSandboxPool();
  // Pyodide starts in seconds: start it while the server comes up.
  const warm = sandbox.warm("python");
  fx = await openServerFixture({ apiKey: "tools-key", sandbox });
  client = new Letta({ baseURL: fx.url, apiKey: "tools-key", maxRetries: 0 });
  await warm;
}, 180_000);
afterAll(async () => {
  await fx.close();
  await sandbox.close();
});

const PYTHON_TOOL = `def price_with_tax(amount: float, rate: float = 0.2) -> str:
    """Adds sales tax to a price.

    Args:
        amount: the price before tax
        rate: the tax rate, 0.2 for 20%
    """
    import os
    return f"{os.environ['SHOP_NAME']}: {amount * (1 + rate):.2f}"
`;

const JS_TOOL = `export function slugify(text, separator) {
  return text.trim().toLowerCase().split(/\\s+/).join(separator ?? "-") + " @" + process.env.SHOP_NAME;
}`;

const TS_TOOL = `interface Item { name: string; qty: number }
export async function count_items(items: Item[]): Promise<{ total: number }> {
  return { total: items.reduce((n: number, i: Item) => n + i.qty, 0) };
}`;

function returns(messages: Array<{ message_type?: string }>) {
  return messages
    .filter((m) => m.message_type === "tool_return_message")
    .map((m) => m as unknown as { tool_return: string; status: string });
}

describe("custom tools through @letta-ai/letta-client", () => {
  let agentId = "";

  it("creates Python, JavaScript and TypeScript tools and an agent with secrets", async () => {
    const py = await client.tools.create({ source_code: PYTHON_TOOL });
    expect(py.name).toBe("price_with_tax");
    expect(py.json_schema?.parameters).toMatchObject({ required: ["amount"] });
    const js = await client.tools.create({
      source_code: JS_TOOL,
      source_type: "javascript",
      json_schema: {
        name: "slugify",
        description: "Turns text into a URL slug.",
        parameters: {
          type: "object",
          properties: { text: { type: "string" }, separator: { type: "string" } },
          required: ["text"],
        },
      },
    });
    const ts = await client.tools.create({
      source_code: TS_TOOL,
      source_type: "typescript",
      json_schema: {
        name: "count_items",
        description: "Counts items.",
        parameters: {
          type: "object",
          properties: {
            items: {
              type: "array",
              items: { type: "object", properties: { name: { type: "string" }, qty: { type: "integer" } } },
            },
          },
          required: ["items"],
        },
      },
    });
    const agent = await client.agents.create({
      name: "shopkeeper",
      model: "openai/gpt-4o-mini",
      tool_ids: [py.id, js.id, ts.id],
      secrets: { SHOP_NAME: "Teal Bakery" },
    });
    agentId = agent.id;
    expect((await client.agents.tools.list(agentId)).items.map((t) => t.name)).toEqual(
      expect.arrayContaining(["price_with_tax", "slugify", "count_items"]),
    );
    // The secret's name is shown, its value never.
    const state = await client.agents.retrieve(agentId);
    expect(state.secrets?.map((s) => s.key)).toEqual(["SHOP_NAME"]);
    expect(JSON.stringify(state)).not.toContain("Teal Bakery");
  });

  it("runs each tool when the model calls it and puts the results in the conversation", async () => {
    fx.model.push(
      toolCallReply("price_with_tax", { amount: 10, request_heartbeat: true }),
      toolCallReply("slugify", { text: "  Fresh Rye Bread ", request_heartbeat: true }),
      toolCallReply("count_items", {
        items: [
          { name: "rye", qty: 2 },
          { name: "bun", qty: 3 },
        ],
        request_heartbeat: true,
      }),
      sendMessageReply("Rye is 12.00 with tax."),
    );
    const res = await client.agents.messages.create(agentId, { input: "How much is the rye bread?" });
    // The three tool results, then send_message's own.
    const results = returns(res.messages).slice(0, 3);
    expect(results.map((r) => r.status)).toEqual(["success", "success", "success"]);
    expect(JSON.parse(results[0].tool_return).message).toBe("Teal Bakery: 12.00");
    expect(JSON.parse(results[1].tool_return).message).toBe("fresh-rye-bread @Teal Bakery");
    expect(JSON.parse(results[2].tool_return).message).toBe('{"total":5}');
    // The model saw the results in the next request, and they are stored in the agent's history.
    const last = fx.model.chatRequests().at(-1);
    expect(last?.messages.some((m) => m.role === "tool" && m.content.includes("Teal Bakery: 12.00"))).toBe(
      true,
    );
    const listed = await client.agents.messages.list(agentId, { limit: 50 });
    expect(returns(listed.items).some((r) => r.tool_return.includes('{\\"total\\":5}'))).toBe(true);
  });

  it("fails a tool past its wall-time limit to the model, naming the limit; the run and server go on", async () => {
    const spin = await client.tools.create({
      source_code: "export function spin() { for (;;) {} }",
      source_type: "javascript",
      json_schema: {
        name: "spin",
        description: "Never returns.",
        parameters: { type: "object", properties: {} },
      },
      // lmos's own field: this tool's limits over the server's defaults.
      sandbox: { timeout_ms: 300 },
    } as Letta.ToolCreateParams);
    await client.agents.tools.attach(spin.id, { agent_id: agentId });
    fx.model.push(toolCallReply("spin", { request_heartbeat: true }), sendMessageReply("That tool hung."));
    const res = await client.agents.messages.create(agentId, { input: "Spin, please." });
    const [result] = returns(res.messages);
    expect(result.status).toBe("error");
    expect(JSON.parse(result.tool_return).message).toContain("wall-time limit of 300 ms");
    expect(res.stop_reason.stop_reason).toBe("end_turn");
    fx.model.push(
      toolCallReply("slugify", { text: "still here", request_heartbeat: true }),
      sendMessageReply("ok"),
    );
    const after = await client.agents.messages.create(agentId, { input: "And now?" });
    expect(JSON.parse(returns(after.messages)[0].tool_return).message).toBe("still-here @Teal Bakery");
    expect((await client.health()).status).toBe("ok");
  });
});
