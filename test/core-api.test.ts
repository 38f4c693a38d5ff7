// The public library API: agents by id or name, default memory and tools, validation, blocks shared by
// agents, archival memory by keyword and by tag, reset.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LmosError } from "../src/index.ts";
import { type CoreFixture, openFixture } from "./core-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";

let fx: CoreFixture;
beforeEach(async () => {
  fx = await openFixture();
});
afterEach(async () => {
  await fx.close();
});

async function errorOf(p: Promise<unknown>): Promise<LmosError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!LmosError.is(e)) throw new Error(`expected an LmosError, got ${String(e)}`);
  return e;
}

describe("agents", () => {
  it("creates a default MemGPT agent: persona and human blocks, base tools, default prompt", async () => {
    const agent = await fx.os.agents.create({ name: "default" });
    const view = await agent.state();
    expect(view.blocks.map((b) => b.label).sort()).toEqual(["human", "persona"]);
    expect(view.blocks.find((b) => b.label === "persona")?.description).toMatch(/^The persona block/);
    expect(view.blocks.every((b) => b.limit === 5000)).toBe(true);
    const tools = view.tools.map((t) => t.name).sort();
    for (const name of [
      "archival_memory_insert",
      "archival_memory_search",
      "conversation_search",
      "core_memory_append",
      "core_memory_replace",
      "memory_rethink",
      "send_message",
    ]) {
      expect(tools).toContain(name);
    }
    expect(view.tools.every((t) => ["letta_core", "letta_memory_core"].includes(t.toolType))).toBe(true);
    expect(view.record.system).toMatch(/request_heartbeat/);
    expect(view.model.handle).toBe("openai/gpt-4o-mini");
    // the base tools are stored, so the server can list them
    const listed = (await fx.os.tools.list({})).map((t) => t.name);
    expect(listed).toContain("core_memory_append");
  });

  it("addresses agents by id or name, updates and deletes them", async () => {
    const agent = await fx.os.agents.create({ name: "ada", tags: ["x"] });
    expect((await fx.os.agents.get("ada")).id).toBe(agent.id);
    expect((await fx.os.agents.get(agent.id)).id).toBe(agent.id);
    const updated = await fx.os.agents.update("ada", { name: "ada2", settings: { maxSteps: 7 } });
    expect(updated.record.name).toBe("ada2");
    expect(updated.record.settings).toMatchObject({ maxSteps: 7, heartbeats: true });
    expect((await errorOf(fx.os.agents.create({ name: "ada2" }))).code).toBe("conflict");
    expect((await fx.os.agents.list({ tags: ["x"] })).map((v) => v.record.id)).toEqual([agent.id]);
    await fx.os.agents.delete("ada2");
    expect((await errorOf(fx.os.agents.get("ada2"))).code).toBe("not_found");
  });

  it("rejects bad input with invalid_argument naming the field", async () => {
    const e1 = await errorOf(fx.os.agents.create({ model: "gpt-4o" }));
    expect(e1.code).toBe("invalid_argument");
    expect(e1.message).toContain("agent.model");
    const e2 = await errorOf(
      fx.os.agents.create({ memoryBlocks: [{ label: "persona", value: 5 as unknown as string }] }),
    );
    expect(e2.message).toContain("agent.memoryBlocks.0.value");
    const agent = await fx.os.agents.create({ name: "v" });
    expect((await errorOf(agent.send(""))).code).toBe("invalid_argument");
    const e3 = await errorOf(agent.memory.update("human", { value: "x".repeat(5001) }));
    expect(e3.message).toMatch(/limit/);
  });
});

describe("blocks", () => {
  it("shares one block between agents; an edit shows in both prompts", async () => {
    const shared = await fx.os.blocks.create({ label: "project", value: "Project: Apollo." });
    const a = await fx.os.agents.create({
      name: "a",
      blockIds: [shared.id],
      memoryBlocks: [{ label: "persona", value: "I am A." }],
    });
    const b = await fx.os.agents.create({ name: "b" });
    await b.memory.attach(shared.id);
    expect((await fx.os.blocks.agents(shared.id)).sort()).toEqual([a.id, b.id].sort());
    await fx.os.blocks.update(shared.id, { value: "Project: Artemis." });
    expect((await a.context()).systemPrompt).toContain("Project: Artemis.");
    expect((await b.context()).systemPrompt).toContain("Project: Artemis.");
  });
});

describe("archival memory", () => {
  it("finds passages the model inserted, by keyword and by tag", async () => {
    const agent = await fx.os.agents.create({ name: "arch" });
    fx.model.push(
      toolCallReply("archival_memory_insert", {
        content: "The launch code is AX-77.",
        tags: ["secrets"],
        request_heartbeat: true,
      }),
      toolCallReply("archival_memory_insert", {
        content: "Lunch with the launch team at noon.",
        tags: ["schedule"],
        request_heartbeat: true,
      }),
      toolCallReply("archival_memory_search", { query: "code", request_heartbeat: true }),
      toolCallReply("archival_memory_search", {
        query: "launch",
        tags: ["schedule"],
        request_heartbeat: true,
      }),
      sendMessageReply("Saved."),
    );
    const run = await agent.send("Remember the launch code AX-77 and lunch at noon.");
    const results = run.messages.filter((m) => m.role === "tool").map((m) => JSON.stringify(m.content));
    expect(results[2]).toContain("AX-77");
    expect(results[3]).toContain("noon");
    expect(results[3]).not.toContain("AX-77");

    // The match first; its neighbouring passage may follow as context.
    expect((await agent.archival.search("code")).map((h) => h.passage.text)[0]).toBe(
      "The launch code is AX-77.",
    );
    const bySchedule = await agent.archival.search("launch", { tags: ["schedule"] });
    expect(bySchedule.map((h) => h.passage.text)).toEqual(["Lunch with the launch team at noon."]);
    expect(await agent.archival.list()).toHaveLength(2);
    const [inserted] = await agent.archival.insert("Direct insert about zebras", ["api"]);
    expect((await agent.archival.search("zebras")).map((h) => h.passage.id)[0]).toBe(inserted.id);
    await agent.archival.delete(inserted.id);
    expect(await agent.archival.search("zebras")).toEqual([]);
  });

  it("dates a passage with createdAt, and refuses a date it cannot read", async () => {
    const agent = await fx.os.agents.create({ name: "dated" });
    const [p] = await agent.archival.insert("The boat was sold.", [], { createdAt: "2023-05-08T13:56:00Z" });
    expect(p.createdAt).toBe("2023-05-08T13:56:00.000Z");
    const inMay = await agent.archival.search("boat", { start: "2023-05-01", end: "2023-05-31" });
    expect(inMay.map((h) => h.passage.id)).toEqual([p.id]);
    await expect(agent.archival.insert("x", [], { createdAt: "last tuesday-ish" })).rejects.toMatchObject({
      code: "invalid_argument",
    });
    expect(await agent.archival.list()).toHaveLength(1);
  });
});

describe("reset", () => {
  it("empties the context window and keeps every message in recall", async () => {
    const agent = await fx.os.agents.create({ name: "r" });
    fx.model.push(sendMessageReply("hi!"));
    await agent.send("hello");
    await agent.reset();
    expect((await agent.state()).record.inContextMessageIds).toEqual([]);
    expect((await agent.messages()).length).toBe(3);
    expect((await agent.context()).inContextMessages).toBe(0);
  });
});
