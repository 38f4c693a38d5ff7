// The routes that check their input once, at the server, with the library's own schemas, and then call the
// trusted API (groups, schedules, MCP servers, recall search, agent-file import): a rule the library has
// and Letta's wire shape has not still answers 422 with the library's message, a missing id still answers
// 404 first, nothing is stored — and the library, called directly, still checks the same rule itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expect422, openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let agentId: string;

beforeAll(async () => {
  fx = await openServerFixture({ env: { LMOS_MODEL: "openai/gpt-4o-mini" } });
  agentId = (await readJson(await fx.call("POST", "/v1/agents/", { name: "member" }))).id;
});
afterAll(async () => {
  await fx.close();
});

describe("groups", () => {
  it("refuses max_turns over 100 on create and on update, after a missing group's 404", async () => {
    const tooMany = { manager_type: "round_robin", max_turns: 500 };
    await expect422(
      await fx.call("POST", "/v1/groups/", {
        agent_ids: [agentId],
        description: "x",
        manager_config: tooMany,
      }),
      /^group\.maxTurns: /,
    );
    expect(await readJson(await fx.call("GET", "/v1/groups/"))).toEqual([]);
    const group = await readJson(
      await fx.call("POST", "/v1/groups/", { agent_ids: [agentId], description: "pair" }),
    );
    await expect422(
      await fx.call("PATCH", `/v1/groups/${group.id}`, { manager_config: tooMany }),
      /^group\.maxTurns: /,
    );
    expect((await fx.call("PATCH", "/v1/groups/group-missing", { manager_config: tooMany })).status).toBe(
      404,
    );
    expect((await readJson(await fx.call("GET", `/v1/groups/${group.id}`))).max_turns).toBeNull();
    await expect(fx.os.groups.create({ agentIds: [agentId], maxTurns: 500 })).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringMatching(/^group\.maxTurns: /),
    });
  });
});

describe("schedules", () => {
  it("refuses more than 50 scheduled messages and stores no schedule", async () => {
    const messages = Array.from({ length: 51 }, (_, i) => ({ role: "user", content: `m${i}` }));
    await expect422(
      await fx.call("POST", `/v1/agents/${agentId}/schedule`, {
        schedule: { type: "one-time", scheduled_at: Date.now() + 3_600_000 },
        messages,
      }),
      /^schedule\.messages: /,
    );
    const listed = await readJson(await fx.call("GET", `/v1/agents/${agentId}/schedule`));
    expect(listed.scheduled_messages).toEqual([]);
    const agent = await fx.os.agents.get(agentId);
    await expect(
      agent.schedules.create({ at: Date.now() + 3_600_000, messages: messages as never }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/^schedule\.messages: /) });
  });
});

describe("MCP servers", () => {
  it("refuses a non-http URL and a name with spaces, on create and on update", async () => {
    await expect422(
      await fx.call("POST", "/v1/mcp-servers/", {
        server_name: "files",
        config: { mcp_server_type: "streamable_http", server_url: "ftp://127.0.0.1/mcp" },
      }),
      /^server\.url: must be an http\(s\) URL$/,
    );
    await expect422(
      await fx.call("POST", "/v1/mcp-servers/", {
        server_name: "has space",
        config: { command: "node", args: ["-e", ""] },
      }),
      /^server\.name: use letters, digits/,
    );
    // Port 1 refuses the connection: the server is stored with its sync error.
    const made = await readJson(
      await fx.call("POST", "/v1/mcp-servers/", {
        server_name: "nowhere",
        config: { mcp_server_type: "streamable_http", server_url: "http://127.0.0.1:1/mcp" },
      }),
    );
    await expect422(
      await fx.call("PATCH", `/v1/mcp-servers/${made.id}`, { server_name: "still has space" }),
      /^patch\.name: use letters, digits/,
    );
    const servers = await readJson(await fx.call("GET", "/v1/mcp-servers/"));
    expect(servers.map((s: { server_name: string }) => s.server_name)).toEqual(["nowhere"]);
    await expect(fx.os.mcpServers.update(made.id, { name: "bad name" })).rejects.toMatchObject({
      message: expect.stringMatching(/^patch\.name: /),
    });
  });
});

describe("recall search", () => {
  it("answers over the trusted handle; the library still checks its limit", async () => {
    const res = await fx.call("POST", "/v1/messages/search", { agent_id: agentId, query: "", limit: 5 });
    expect(res.status).toBe(200);
    expect(Array.isArray(await readJson(res))).toBe(true);
    const agent = await fx.os.agents.get(agentId);
    await expect(agent.recall.search("x", { limit: 5000 })).rejects.toMatchObject({
      message: expect.stringMatching(/^options\.limit: /),
    });
  });
});

describe("agent-file import", () => {
  it("refuses an agent whose lmos settings break the library's rules, naming the field", async () => {
    const file = {
      agents: [{ id: "agent-0", name: "imported", memory_blocks: [], tool_ids: [], block_ids: [] }],
      metadata: { lmos: JSON.stringify({ agents: { "agent-0": { settings: { maxSteps: 5000 } } } }) },
    };
    const form = new FormData();
    form.set("file", new Blob([JSON.stringify(file)]), "x.af");
    const res = await fetch(`${fx.url}/v1/agents/import`, { method: "POST", body: form });
    await expect422(res, /^agent\.settings\.maxSteps: /);
    const names = (await readJson(await fx.call("GET", "/v1/agents/"))).map((a: { name: string }) => a.name);
    expect(names).toEqual(["member"]);
  });
});
