// Grants end to end: a Letta user creates tools with lmos's `sandbox` field — a directory (inside the
// server's tool-files root) and the network to one host — and the scripted model calls them through the
// real server: the Python tool writes and reads the granted directory on the host, the JavaScript tool
// reaches a local HTTP server; a tool without the grant gets an error the model reads; a grant outside
// the allowed directories is a 422.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Letta from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxPool, type Sandbox } from "../src/tools/index.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
let client: Letta;
let sandbox: Sandbox;
let web: Server;
let webUrl = "";
beforeAll(async () => {
  sandbox = createSandboxPool();
  const warm = sandbox.warm("python");
  web = createServer((req, res) => res.end(`weather at ${req.url}: sunny`));
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  fx = await openServerFixture({ apiKey: "grants-key", sandbox });
  client = new Letta({ baseURL: fx.url, apiKey: "grants-key", maxRetries: 0 });
  await warm;
}, 180_000);
afterAll(async () => {
  await fx.close();
  await sandbox.close();
  web.close();
});

const NOTES_TOOL = `def keep_note(text: str) -> str:
    """Appends a note to the notes file and returns the whole file.

    Args:
        text: the note
    """
    with open("/data/notes.txt", "a") as f:
        f.write(text + "\\n")
    return open("/data/notes.txt").read()
`;

const WEATHER_TOOL = `export async function weather(city) {
  const r = await fetch(process.env.WEATHER_URL + "/" + city);
  return await r.text();
}`;
const WEATHER_SCHEMA = {
  name: "weather",
  description: "Today's weather.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function returns(messages: Array<{ message_type?: string }>) {
  return messages
    .filter((m) => m.message_type === "tool_return_message")
    .map((m) => m as unknown as { tool_return: string; status: string });
}

describe("tool grants through the server", () => {
  it("runs a Python tool on its granted directory and a JavaScript tool on its granted host", async () => {
    const dir = join(fx.home, "tool-files", "notes");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "notes.txt"), "first\n");
    const notes = await client.tools.create({
      source_code: NOTES_TOOL,
      sandbox: { filesystem: { path: "notes", mode: "rw" } },
    } as Letta.ToolCreateParams);
    expect((notes as unknown as { sandbox: unknown }).sandbox).toMatchObject({
      filesystem: { path: "notes", mode: "rw" },
    });
    const port = new URL(webUrl).port;
    const weather = await client.tools.create({
      source_code: WEATHER_TOOL,
      source_type: "javascript",
      json_schema: WEATHER_SCHEMA,
      sandbox: { network: true, allowed_hosts: [`127.0.0.1:${port}`] },
    } as Letta.ToolCreateParams);
    const agent = await client.agents.create({
      model: "openai/gpt-4o-mini",
      tool_ids: [notes.id, weather.id],
      secrets: { WEATHER_URL: webUrl },
    });
    fx.model.push(
      toolCallReply("keep_note", { text: "buy rye", request_heartbeat: true }),
      toolCallReply("weather", { city: "paris", request_heartbeat: true }),
      sendMessageReply("Noted; it is sunny."),
    );
    const res = await client.agents.messages.create(agent.id, { input: "Note: buy rye. Weather?" });
    const [note, sky] = returns(res.messages);
    expect(note.status).toBe("success");
    expect(JSON.parse(note.tool_return).message).toBe("first\nbuy rye\n");
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("first\nbuy rye\n");
    expect(JSON.parse(sky.tool_return).message).toBe("weather at /paris: sunny");
  });

  it("tells the model when a tool has no grant, and the run goes on", async () => {
    const bare = await client.tools.create({
      source_code: WEATHER_TOOL.replace("weather(", "weather_bare("),
      source_type: "javascript",
      json_schema: { ...WEATHER_SCHEMA, name: "weather_bare" },
    });
    const reader = await client.tools.create({
      source_code: `def read_notes() -> str:
    """Reads the notes file."""
    return open("/data/notes.txt").read()
`,
    });
    const agent = await client.agents.create({
      model: "openai/gpt-4o-mini",
      tool_ids: [bare.id, reader.id],
      secrets: { WEATHER_URL: webUrl },
    });
    fx.model.push(
      toolCallReply("weather_bare", { city: "oslo", request_heartbeat: true }),
      toolCallReply("read_notes", { request_heartbeat: true }),
      sendMessageReply("I cannot reach those."),
    );
    const res = await client.agents.messages.create(agent.id, { input: "Weather and notes?" });
    const [net, file] = returns(res.messages);
    expect(net.status).toBe("error");
    expect(JSON.parse(net.tool_return).message).toContain("network access is not granted to this tool");
    expect(file.status).toBe("error");
    expect(JSON.parse(file.tool_return).message).toContain("No such file or directory");
    expect(res.stop_reason.stop_reason).toBe("end_turn");
  });

  it("refuses a directory grant outside the allowed roots with 422", async () => {
    for (const path of ["/etc", "../..", join(fx.home, "no-such-dir")]) {
      const r = await fx.call("POST", "/v1/tools/", {
        source_code: NOTES_TOOL.replace("keep_note", "keep_note_2"),
        sandbox: { filesystem: { path, mode: "ro" } },
      });
      expect(r.status, path).toBe(422);
      expect(JSON.stringify(await r.json())).toMatch(/sandbox\.filesystem/);
    }
  });
});
