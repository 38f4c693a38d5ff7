// `npm run bench -- store [iterations]`: the SQLite store's per-step hot path (the reads the kernel does
// before a step, and the one-transaction commit) at 1,000 and 10,000 messages in the context window,
// on a temp-file database opened as openLmos opens it (background WAL checkpoints). Prints p50/p99 per
// call in microseconds; writes bench/results/store.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_AGENT_SETTINGS,
  type MessageRecord,
  newAgentRecord,
  newId,
  newMessageRecord,
  openSqliteStore,
  type Store,
} from "../src/store/index.ts";

function msg(agentId: string, i: number, createdAt: string): MessageRecord {
  return newMessageRecord({
    agentId,
    role: i % 2 ? "assistant" : "user",
    text: `Message ${i}: the garden, the weather and a book I read about otters.`,
    createdAt,
  });
}

async function seed(store: Store, history: number) {
  const now = new Date().toISOString();
  const agentId = newId("agent");
  const blockIds = ["persona", "human"].map(() => newId("block"));
  for (const [i, id] of blockIds.entries()) {
    await store.createBlock({
      id,
      label: i ? "human" : "persona",
      value: "x".repeat(500),
      description: null,
      limit: 5000,
      readOnly: false,
      metadata: {},
      tags: [],
      createdAt: now,
      updatedAt: now,
    });
  }
  const toolIds: string[] = [];
  for (const name of [
    "send_message",
    "core_memory_append",
    "core_memory_replace",
    "archival_memory_insert",
    "archival_memory_search",
    "conversation_search",
  ]) {
    const t = await store.upsertTool({
      id: newId("tool"),
      name,
      description: name,
      jsonSchema: { name, parameters: { type: "object" } },
      sourceCode: null,
      sourceType: null,
      toolType: "letta_core",
      tags: [],
      returnCharLimit: 6000,
      createdAt: now,
      updatedAt: now,
    });
    toolIds.push(t.id);
  }
  await store.createAgent(
    newAgentRecord({
      id: agentId,
      name: "bench",
      system: "You are a bench.",
      model: "bench/stub",
      createdAt: now,
      settings: { ...DEFAULT_AGENT_SETTINGS, maxSteps: 10 },
    }),
    blockIds,
    toolIds,
  );
  const t0 = Date.now() - history * 1000;
  const ids: string[] = [];
  for (let i = 0; i < history; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, history - i) }, (_, j) =>
      msg(agentId, i + j, new Date(t0 + (i + j) * 1000).toISOString()),
    );
    ids.push(...batch.map((m) => m.id));
    await store.commitMessages(agentId, batch, { inContextMessageIds: ids });
  }
  await store.insertPassages(
    Array.from({ length: 100 }, (_, i) => ({
      passage: {
        id: newId("passage"),
        agentId,
        sourceId: null,
        fileId: null,
        text: `fact ${i}`,
        tags: [`t${i % 5}`],
        metadata: {},
        embeddingModel: null,
        createdAt: now,
      },
    })),
  );
  const runId = newId("run");
  await store.createRun({
    id: runId,
    agentId,
    status: "running",
    stopReason: null,
    createdAt: now,
    completedAt: null,
    chain: null,
  });
  return { agentId, blockIds, runId };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  return { p50: Math.round(at(0.5) * 1000), p99: Math.round(at(0.99) * 1000) };
}

export default async function storeBench(args: string[]): Promise<void> {
  const iterations = Number(args[0] ?? 200);
  const results: Record<string, Record<string, { p50: number; p99: number }>> = {};
  for (const history of [1_000, 10_000]) {
    const dir = mkdtempSync(join(tmpdir(), "lmos-bench-store-"));
    // As openLmos opens it: WAL checkpoints on a worker thread, not inside commits.
    const store = await openSqliteStore(join(dir, "lmos.db"), { backgroundCheckpoint: true });
    try {
      const { agentId, blockIds, runId } = await seed(store, history);
      const times: Record<string, number[]> = {};
      const time = async (name: string, fn: () => Promise<unknown>) => {
        const t = performance.now();
        await fn();
        const list = times[name] ?? [];
        list.push(performance.now() - t);
        times[name] = list;
      };
      for (let i = 0; i < iterations; i++) {
        let agent = await store.getAgent(agentId);
        await time("getAgent", async () => {
          agent = await store.getAgent(agentId);
        });
        await time("agentBlocks", () => store.agentBlocks(agentId));
        await time("agentTools", () => store.agentTools(agentId));
        await time("getMessages(in-context)", () => store.getMessages(agent!.inContextMessageIds));
        await time("countMessages", () => store.countMessages(agentId));
        await time("countPassages", () => store.countPassages({ agentId }));
        await time("passageTags", () => store.passageTags(agentId));
        const stepId = newId("step");
        const now = new Date().toISOString();
        const ms = [0, 1, 2].map((j) => ({ ...msg(agentId, j, now), stepId, runId }));
        await time("commitStep", () =>
          store.commitStep({
            agentId,
            step: {
              id: stepId,
              runId,
              agentId,
              index: i,
              model: "bench/stub",
              createdAt: now,
              usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
            },
            messages: ms,
            blockEdits: [{ blockId: blockIds[1], op: "rethink", value: `v${i}` }],
            passageInserts: [],
            passageDeletes: [],
            // What the kernel does each step: append the step's messages to the window.
            agentPatch: { inContextMessageIds: [...agent!.inContextMessageIds, ...ms.map((m) => m.id)] },
          }),
        );
        if (i % 10 === 0) {
          await time("searchMessagesLexical", () =>
            store.searchMessagesLexical(agentId, { query: "otters book", limit: 10 }),
          );
          await time("listMessages(desc,50)", () =>
            store.listMessages(agentId, { order: "desc", limit: 50 }),
          );
        }
      }
      results[String(history)] = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const names = Object.keys(results["1000"]);
  console.log(`store hot path, microseconds (p50 / p99), ${iterations} iterations`);
  console.log(`${"call".padEnd(26)}${"1,000 msgs".padStart(18)}${"10,000 msgs".padStart(18)}`);
  for (const n of names) {
    const cell = (h: string) => `${results[h][n].p50} / ${results[h][n].p99}`.padStart(18);
    console.log(`${n.padEnd(26)}${cell("1000")}${cell("10000")}`);
  }
  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("results/store.json", import.meta.url),
    `${JSON.stringify({ iterations, unit: "us", results }, null, 2)}\n`,
  );
}
