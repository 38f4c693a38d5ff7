// Documents through the official @letta-ai/letta-client against `lmos serve`: folders, multipart uploads
// (good and bad files), attachment, and an agent that reads an attached file with the file tools.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Letta, { toFile } from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures/docs", name));
let fx: ServerFixture;
let client: Letta;
beforeAll(async () => {
  fx = await openServerFixture();
  client = new Letta({ baseURL: fx.url, apiKey: "none", maxRetries: 0 });
});
afterAll(async () => {
  await fx.close();
});

describe("folders through the Letta client", () => {
  let folderId = "";

  it("uploads documents; a bad file is listed with its error and the others are processed", async () => {
    const folder = await client.folders.create({ name: "handbook", description: "company docs" });
    folderId = folder.id;
    expect(folder.id).toMatch(/^source-/);
    const pdf = await client.folders.files.upload(folderId, {
      file: await toFile(fixture("report.pdf"), "report.pdf"),
    });
    expect(pdf).toMatchObject({
      processing_status: "completed",
      file_name: "report.pdf",
      source_id: folderId,
    });
    const docx = await client.folders.files.upload(folderId, {
      file: await toFile(fixture("policy.docx"), "policy.docx"),
    });
    expect(docx.processing_status).toBe("completed");
    const bad = await client.folders.files.upload(folderId, {
      file: await toFile(fixture("encrypted.pdf"), "encrypted.pdf"),
    });
    expect(bad.processing_status).toBe("error");
    expect(bad.error_message).toMatch(/encrypted PDF/);
    const files = (await client.folders.files.list(folderId)).items;
    expect(files.map((f) => [f.file_name, f.processing_status]).sort()).toEqual([
      ["encrypted.pdf", "error"],
      ["policy.docx", "completed"],
      ["report.pdf", "completed"],
    ]);
  });

  it("an attached agent greps and opens a file; the open window appears in its system prompt", async () => {
    const agent = await client.agents.create({ name: "reader", model: "openai/gpt-4o-mini" });
    await client.agents.folders.attach(folderId, { agent_id: agent.id });
    expect((await client.agents.folders.list(agent.id)).items.map((f) => f.name)).toEqual(["handbook"]);
    expect((await client.agents.retrieve(agent.id)).tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["open_file", "grep_files", "search_files"]),
    );

    fx.model.push(
      toolCallReply("grep_files", { pattern: "allowance", request_heartbeat: true }),
      toolCallReply("open_file", { file_name: "policy.docx", offset: 5, length: 3, request_heartbeat: true }),
      sendMessageReply("The daily meal allowance is 45 euros (handbook/policy.docx)."),
    );
    const before = fx.model.requests.length;
    await client.agents.messages.create(agent.id, {
      messages: [{ role: "user", content: "What is the meal allowance?" }],
    });
    const seen = fx.model.requests.slice(before);
    expect(seen).toHaveLength(3);
    expect(seen[1].lastToolResult).toContain(">7: The daily meal allowance is 45 euros.");
    expect(seen[2].lastToolResult).toContain("[handbook/policy.docx: lines 5-7 of 7. End of file.]");
    expect(seen[2].system).toContain('<file name="handbook/policy.docx" lines="5-7" total_lines="7">');
    expect(seen[1].system).not.toContain("<open_files>");
  });
});
