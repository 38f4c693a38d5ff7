// lmos as an MCP server, driven by the official SDK's own client: over stdio (`lmos mcp <agent>`, the real
// command as a child process) and over streamable HTTP (the /mcp endpoints of `lmos serve`). Each side
// reads and edits core memory, files and searches archival memory, searches the conversation, sends the
// agent a message (the scripted model answers) and reads blocks as resources.
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./cli-harness.ts";
import { sendMessageReply } from "./scripted-model.ts";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

const BIN = fileURLToPath(new URL("../bin/lmos.js", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

let fx: ServerFixture;
let agentId = "";
beforeAll(async () => {
  fx = await openServerFixture({ apiKey: "mcp-key" });
  const agent = await fx.os.agents.create({
    name: "ada",
    memoryBlocks: [
      { label: "human", value: "The user is called Grace." },
      { label: "persona", value: "I am Ada, a careful assistant.", readOnly: true },
    ],
  });
  agentId = agent.id;
  fx.model.push(sendMessageReply("Nice to meet you, Grace."));
  await agent.send("Hello, I'm Grace and I love compilers.");
});
afterAll(async () => {
  await fx.close();
});

type TextResult = { content: Array<{ type: string; text?: string }>; isError?: boolean };
const textOf = (r: unknown) => ((r as TextResult).content[0]?.text ?? "") as string;

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const r = (await client.callTool({ name, arguments: args })) as TextResult;
  return { text: textOf(r), isError: r.isError === true };
}

/** The same memory round trip on either transport; `extra` carries `agent` for the unbound endpoint. */
async function memoryRoundTrip(client: Client, extra: Record<string, unknown>, tag: string) {
  const tools = (await client.listTools()).tools.map((t) => t.name);
  expect(tools).toEqual(
    expect.arrayContaining([
      "core_memory_read",
      "core_memory_append",
      "core_memory_replace",
      "core_memory_write",
      "archival_memory_insert",
      "archival_memory_search",
      "conversation_search",
      "send_message",
    ]),
  );
  expect((await call(client, "core_memory_read", { ...extra, label: "human" })).text).toContain("Grace");
  const appended = await call(client, "core_memory_append", {
    ...extra,
    label: "human",
    content: `Likes ${tag}.`,
  });
  expect(appended.isError).toBe(false);
  expect((await fx.os.agents.get(agentId).then((a) => a.memory.get("human"))).value).toContain(
    `Likes ${tag}.`,
  );
  const replaced = await call(client, "core_memory_replace", {
    ...extra,
    label: "human",
    old_content: `Likes ${tag}.`,
    new_content: `Loves ${tag}.`,
  });
  expect(replaced.isError).toBe(false);
  // the agent's read-only block stays as it is, and the client is told why
  const refused = await call(client, "core_memory_write", { ...extra, label: "persona", value: "hijacked" });
  expect(refused).toMatchObject({ isError: true });
  expect(refused.text).toContain("read-only");
  await call(client, "archival_memory_insert", {
    ...extra,
    content: `The ${tag} meetup is on Friday.`,
    tags: [tag],
  });
  const found = JSON.parse(
    (await call(client, "archival_memory_search", { ...extra, query: `${tag} meetup` })).text,
  );
  expect(found.results[0].content).toBe(`The ${tag} meetup is on Friday.`);
  const said = JSON.parse((await call(client, "conversation_search", { ...extra, query: "compilers" })).text);
  expect(said.results.map((r: { content: string }) => r.content)).toContain(
    "Hello, I'm Grace and I love compilers.",
  );
  fx.model.push(sendMessageReply(`Noted about ${tag}.`));
  expect((await call(client, "send_message", { ...extra, message: `Remember ${tag}` })).text).toBe(
    `Noted about ${tag}.`,
  );
  const resources = (await client.listResources()).resources;
  const human = resources.find((r) => r.uri === `lmos://agents/${agentId}/blocks/human`);
  expect(human?.name).toBe("ada/human");
  const read = await client.readResource({ uri: human?.uri ?? "" });
  expect((read.contents[0] as { text: string }).text).toContain(`Loves ${tag}.`);
}

describe("lmos MCP server", () => {
  it("serves an agent's memory over stdio (`lmos mcp ada`)", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp", "ada"],
      cwd: ROOT,
      env: childEnv({
        LMOS_HOME: fx.home,
        OPENAI_BASE_URL: fx.model.url,
        OPENAI_API_KEY: "test",
        LMOS_MAX_RETRIES: "0",
      }),
      stderr: "pipe",
    });
    const client = new Client({ name: "test", version: "1" });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe("lmos-memory");
      await memoryRoundTrip(client, {}, "stdio");
    } finally {
      await client.close();
    }
  });

  it("serves one agent at /v1/agents/{id}/mcp and every agent at /mcp (streamable HTTP, API key)", async () => {
    const headers = { authorization: "Bearer mcp-key" };
    const bound = new Client({ name: "test", version: "1" });
    await bound.connect(
      new StreamableHTTPClientTransport(new URL(`${fx.url}/v1/agents/${agentId}/mcp`), {
        requestInit: { headers },
      }),
    );
    try {
      await memoryRoundTrip(bound, {}, "http");
    } finally {
      await bound.close();
    }
    const all = new Client({ name: "test", version: "1" });
    await all.connect(
      new StreamableHTTPClientTransport(new URL(`${fx.url}/mcp`), { requestInit: { headers } }),
    );
    try {
      const agents = JSON.parse((await call(all, "list_agents", {})).text);
      expect(agents.map((a: { name: string }) => a.name)).toContain("ada");
      expect((await call(all, "core_memory_read", { agent: "ada" })).text).toContain("<persona");
      const missing = await call(all, "core_memory_read", { agent: "nobody" });
      expect(missing).toMatchObject({ isError: true });
      expect(missing.text).toContain("not found");
    } finally {
      await all.close();
    }
    // without the key the endpoint is closed like every other route
    const res = await fetch(`${fx.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
  });
});
