// The official @letta-ai/letta-client, unchanged, against `lmos` over HTTP: the user story of a Letta user
// who points their client at lmos and keeps working. The only stand-in is the scripted model.
import Letta, { toFile } from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let client: Letta;
beforeAll(async () => {
  fx = await openServerFixture({ apiKey: "client-key" });
  client = new Letta({ baseURL: fx.url, apiKey: "client-key", maxRetries: 0 });
});
afterAll(async () => {
  await fx.close();
});

describe("@letta-ai/letta-client against lmos", () => {
  let agentId = "";

  it("checks health and lists models", async () => {
    expect((await client.health()).status).toBe("ok");
    const models = await client.models.list();
    expect(models.length).toBeGreaterThan(0);
  });

  it("creates an agent with persona and human blocks", async () => {
    const agent = await client.agents.create({
      name: "client_agent",
      model: "openai/gpt-4o-mini",
      memory_blocks: [
        { label: "persona", value: "I am a terse test assistant.", limit: 5000 },
        { label: "human", value: "The user is called Ada." },
      ],
    });
    agentId = agent.id;
    expect(agent.name).toBe("client_agent");
    expect(agent.memory.blocks.map((b) => b.label).sort()).toEqual(["human", "persona"]);
    expect((await client.agents.retrieve(agentId)).id).toBe(agentId);
  });

  it("sends a message and reads the reply", async () => {
    fx.model.push(sendMessageReply("Hello Ada!"));
    const response = await client.agents.messages.create(agentId, {
      messages: [{ role: "user", content: "Hi! Remember that my favourite colour is teal." }],
    });
    const reply = response.messages.find((m) => m.message_type === "assistant_message");
    expect(reply && "content" in reply ? reply.content : null).toBe("Hello Ada!");
    expect(response.stop_reason.stop_reason).toBe("end_turn");
    expect(fx.model.lastSystemPrompt()).toContain("The user is called Ada.");
  });

  it("streams a message", async () => {
    fx.model.push(
      toolCallReply("archival_memory_search", { query: "colour", request_heartbeat: true }),
      sendMessageReply("Teal, I believe."),
    );
    const stream = await client.agents.messages.stream(agentId, {
      messages: [{ role: "user", content: "What is my favourite colour?" }],
      stream_tokens: false,
    });
    const types: string[] = [];
    let text = "";
    for await (const chunk of stream) {
      types.push(String(chunk.message_type));
      if (chunk.message_type === "assistant_message" && typeof chunk.content === "string")
        text += chunk.content;
    }
    expect(text).toBe("Teal, I believe.");
    expect(types).toContain("tool_call_message");
    expect(types.slice(-2)).toEqual(["stop_reason", "usage_statistics"]);
  });

  it("streams tokens through messages.create with streaming: true", async () => {
    fx.model.push(sendMessageReply("Token by token."));
    const stream = await client.agents.messages.create(agentId, {
      input: "stream please",
      streaming: true,
      stream_tokens: true,
    });
    let text = "";
    for await (const chunk of stream) {
      if (chunk.message_type === "assistant_message" && typeof chunk.content === "string")
        text += chunk.content;
    }
    expect(text).toBe("Token by token.");
  });

  it("lists messages, and auto-pagination terminates", async () => {
    const page = await client.agents.messages.list(agentId, { limit: 20, order: "asc" });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items[0].message_type).toBe("user_message");
    const all: string[] = [];
    for await (const m of client.agents.messages.list(agentId, { limit: 3 })) {
      all.push(m.id);
      if (all.length > 500) throw new Error("pagination does not terminate");
    }
    expect(new Set(all).size).toBeGreaterThan(3);
  });

  it("inserts and searches archival memory", async () => {
    const inserted = await client.agents.passages.create(agentId, {
      text: "Favourite colour: teal",
      tags: ["prefs"],
    });
    expect(inserted[0].text).toBe("Favourite colour: teal");
    const found = await client.agents.passages.search(agentId, { query: "colour", top_k: 3 });
    expect(found.results.map((r) => r.content)).toContain("Favourite colour: teal");
    const list = await client.agents.passages.list(agentId, {});
    expect(list.map((p) => p.text)).toContain("Favourite colour: teal");
  });

  it("modifies a block", async () => {
    const block = await client.agents.blocks.update("persona", {
      agent_id: agentId,
      value: "I am a terse test assistant who loves teal.",
    });
    expect(block.value).toContain("loves teal");
    const blocks = await client.agents.blocks.list(agentId);
    expect(blocks.items.find((b) => b.label === "persona")?.value).toContain("loves teal");
  });

  it("creates a tool and attaches it", async () => {
    const tool = await client.tools.create({
      source_code:
        'def shout(text: str) -> str:\n    """Shout text.\n\n    Args:\n        text: what to shout\n    """\n    return text.upper()\n',
    });
    expect(tool.name).toBe("shout");
    await client.agents.tools.attach(tool.id, { agent_id: agentId });
    const tools = await client.agents.tools.list(agentId);
    expect(tools.items.map((t) => t.name)).toContain("shout");
  });

  it("recompiles, compacts, cancels and resets", async () => {
    const prompt = await client.agents.recompile(agentId);
    expect(prompt).toContain("loves teal");
    const compacted = await client.agents.messages.compact(agentId, {});
    expect(compacted.num_messages_after).toBeLessThanOrEqual(compacted.num_messages_before);
    await client.agents.messages.cancel(agentId, {});
    expect(await client.agents.messages.reset(agentId, { add_default_initial_messages: false })).toBeNull();
    expect((await client.agents.retrieve(agentId)).message_ids).toEqual([]);
  });

  it("uploads a file to a folder and attaches the folder", async () => {
    const folder = await client.folders.create({ name: "client_docs" });
    const file = await toFile(Buffer.from("The launch code is 1234.\n"), "codes.txt");
    const uploaded = await client.folders.files.upload(folder.id, { file });
    expect(uploaded).toMatchObject({ source_id: folder.id, processing_status: "completed" });
    const files = await client.folders.files.list(folder.id);
    expect(files.items.map((f) => f.id)).toContain(uploaded.id);
    await client.agents.folders.attach(folder.id, { agent_id: agentId });
    const folders = await client.agents.folders.list(agentId);
    expect(folders.items.map((f) => f.id)).toEqual([folder.id]);
    await client.folders.files.delete(uploaded.id, { folder_id: folder.id });
    expect((await client.folders.files.list(folder.id)).items).toEqual([]);
  });

  it("deletes the agent", async () => {
    await client.agents.delete(agentId);
    await expect(client.agents.retrieve(agentId)).rejects.toThrow(/404/);
  });

  it("surfaces auth failures as AuthenticationError", async () => {
    const bad = new Letta({ baseURL: fx.url, apiKey: "wrong", maxRetries: 0 });
    await expect(bad.agents.list()).rejects.toBeInstanceOf(Letta.AuthenticationError);
  });
});
