// The experimental compressor-retriever tier in a running lmos (LMOS_EXPERIMENTAL_CR=1): an eviction
// only queues the compression (the step does not wait for it), a job on the one queue compresses the
// evicted messages into the agent's forest, and later steps show the retrieved segments in the model's
// context with the message each came from and its date.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { decodeNotation, makeLifelong } from "../src/cr/index.ts";
import { type Lmos, openLmos } from "../src/index.ts";
import { type ScriptedModel, sendMessageReply, startScriptedModel } from "./scripted-model.ts";

let model: ScriptedModel;
let os: Lmos;
let home: string;
afterEach(async () => {
  await os?.close();
  await model?.close();
  rmSync(home, { recursive: true, force: true });
});

const SUMMARY = "SUMMARY: the user listed facts.";

it("compresses evicted messages on the job queue, off the step's path, and shows retrieved segments with their provenance", async () => {
  model = await startScriptedModel({
    fallback: (req) => (req.toolNames.length === 0 ? { content: SUMMARY } : sendMessageReply("Noted.")),
  });
  home = mkdtempSync(join(tmpdir(), "lmos-cr-tier-"));
  const env = {
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MAX_RETRIES: "0",
    LMOS_EXPERIMENTAL_CR: "1",
  };
  // background work off: the queue runs only when the test starts it
  os = await openLmos({ home, env, background: false });
  const agent = await os.agents.create({ name: "cr", model: "openai/scripted-small" });
  const base = (await agent.context()).total;
  await os.agents.update(agent.id, { contextWindow: Math.ceil(base * 2) });

  // facts in the task notation (16 tokens each: one chunk per message)
  const facts = makeLifelong(77, 40, 4).demos.map((d) => decodeNotation(d));
  let evicted = false;
  for (let i = 0; i < facts.length && !evicted; i++) {
    const run = await agent.send(facts[i] as string);
    evicted = run.events.some((e) => e.type === "context-pressure" && e.action === "evict");
  }
  expect(evicted).toBe(true);
  // the step that evicted returned without compressing: nothing in the forest yet, the job is queued
  expect(await os.store.getMemoryNodes(agent.id, "cr-hierarchy")).toEqual([]);
  os.jobs.start();
  await os.jobs.settled();
  const nodes = await os.store.getMemoryNodes(agent.id, "cr-hierarchy");
  expect(nodes.length).toBeGreaterThan(0);

  // every evicted user message, by text
  const state = await agent.state();
  const inContext = new Set(state.record.inContextMessageIds);
  const all = await os.store.listMessages(agent.id, { order: "asc", limit: 1000 });
  const byText = new Map(
    all
      .filter((m) => m.role === "user" && !inContext.has(m.id))
      .map((m) => [(m.content[0] as { text: string }).text, m] as const),
  );
  expect(byText.size).toBeGreaterThan(0);

  const [asked] = [...byText.keys()];
  const question = (asked as string).split(" ").slice(0, 2).join(" ");
  await agent.send(question);
  const req = model.chatRequests().at(-1);
  const system = JSON.stringify(req?.messages ?? []);
  expect(system).toContain(`Compressed memory (experimental), retrieved for \\"${question}\\"`);
  const lines = [...system.matchAll(/- ((?:T\d+ K\d+ [ACU] = ){4})\(from message ([^,]+), ([^)]+)\)/g)];
  expect(lines.length).toBe(2);
  for (const [, text, id, date] of lines) {
    const m = byText.get((text as string).trim());
    expect(m, `a retrieved segment is an evicted message: ${text}`).toBeDefined();
    expect(id).toBe(m?.id);
    expect(date).toBe(m?.createdAt);
  }
}, 120_000);
