// Open files live in the agent's context until memory pressure: an eviction closes them all.
import { afterEach, beforeEach, expect, it } from "vitest";
import { type CoreFixture, openFixture } from "./core-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";

let fx: CoreFixture;
beforeEach(async () => {
  fx = await openFixture();
});
afterEach(async () => {
  await fx.close();
});

it("shows an opened file in the system prompt and closes it when the kernel evicts", async () => {
  await fx.os.sources.create({ name: "notes" });
  const text = Array.from({ length: 40 }, (_, i) => `note ${i + 1}: the courier comes on day ${i + 1}`).join(
    "\n",
  );
  await fx.os.sources.upload("notes", { name: "log.txt", data: new TextEncoder().encode(text) });
  const agent = await fx.os.agents.create({ name: "keeper", model: "openai/gpt-4o-mini" });
  await fx.os.sources.attach("notes", "keeper");

  fx.model.push(
    toolCallReply("open_file", { file_name: "log.txt", offset: 10, length: 2, request_heartbeat: true }),
    sendMessageReply("Day 10."),
  );
  await agent.send("When does the courier come, per note 10?");
  expect(fx.model.lastSystemPrompt()).toContain("10: note 10: the courier comes on day 10\n11: note 11");
  expect(await fx.os.store.listOpenFiles(agent.id)).toHaveLength(1);

  fx.model.push({ content: "The user asked about the courier; note 10 says day 10." });
  await agent.compact();
  expect(await fx.os.store.listOpenFiles(agent.id)).toEqual([]);
  fx.model.push(sendMessageReply("ok"));
  await agent.send("thanks");
  expect(fx.model.lastSystemPrompt()).not.toContain("<open_files>");
});
