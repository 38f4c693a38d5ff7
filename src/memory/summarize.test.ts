import { afterAll, beforeAll, expect, it } from "vitest";
import { type ScriptedModel, startScriptedModel } from "../../test/scripted-model.ts";
import { messageRecord, toolExchange } from "../context/records.testkit.ts";
import { createOpenAICompatibleProvider } from "../llm/index.ts";
import type { Provider } from "../llm/types.ts";
import { summarizeMessages } from "./index.ts";

let model: ScriptedModel;
let provider: Provider;

beforeAll(async () => {
  model = await startScriptedModel();
  provider = createOpenAICompatibleProvider({
    name: "openai",
    baseURL: model.url,
    apiKey: "test",
    maxRetries: 0,
    timeoutMs: 10_000,
  });
});
afterAll(async () => {
  await model.close();
});

const evicted = [
  messageRecord("user", "My locker code is 4711-ZEBRA."),
  ...toolExchange("archival_memory_insert", { content: "locker 4711-ZEBRA" }, '{"status":"OK"}'),
  messageRecord("user", "{}", { kind: "heartbeat" }),
  messageRecord("assistant", "", {
    toolCalls: [{ id: "c9", name: "send_message", arguments: '{"message":"Saved it."}' }],
  }),
];

it("asks the model, without tools, to fold the previous summary and the evicted messages", async () => {
  model.push({ content: "  Ada's locker code is 4711-ZEBRA; she met Sam on 1 March.  " });
  const summary = await summarizeMessages(provider, "gpt-4o-mini", "Ada met Sam on 1 March.", evicted);
  expect(summary).toBe("Ada's locker code is 4711-ZEBRA; she met Sam on 1 March.");
  const req = model.chatRequests().at(-1)!;
  expect(req.toolNames).toEqual([]);
  const sent = JSON.stringify(req.messages);
  expect(sent).toContain("Ada met Sam on 1 March.");
  expect(sent).toContain("My locker code is 4711-ZEBRA.");
  expect(sent).toContain("Saved it.");
  expect(sent).not.toContain("heartbeat");
});

it("falls back to a truncated transcript when the model returns nothing", async () => {
  model.push({ content: "" });
  const summary = await summarizeMessages(provider, "gpt-4o-mini", "Earlier: hello.", evicted, {
    maxChars: 120,
  });
  expect(summary.startsWith("Earlier: hello.\n")).toBe(true);
  expect(summary).toContain("4711-ZEBRA");
  expect(summary.length).toBeLessThanOrEqual(120);
  expect(summary.endsWith("... [summary truncated to fit]")).toBe(true);
});
