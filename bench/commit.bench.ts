// `npm run bench -- commit [commits]`: the step commit as the server sees it — 50 agents taking turns,
// each commit a step row, 3 messages, the run's status, the agent's window and its lease fence — on a temp-file SQLite
// store. For each way of checkpointing the WAL, and with commits issued one at a time or 8 agents at once
// (what a loaded server does: those share one group commit, group-commit.ts), it prints the wall and CPU
// time per commit on the calling thread and (with checkpoints off) how many WAL pages one commit writes.
// Writes bench/results/commit.json.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_AGENT_SETTINGS,
  newAgentRecord,
  newId,
  newMessageRecord,
  openSqliteStore,
  type Store,
} from "../src/store/index.ts";

const AGENTS = 50;
const FRAME_BYTES = 4096 + 24;

interface Agent {
  id: string;
  runId: string;
  window: string[];
  /** The agent lease the kernel's run holds: every step commit carries its fence (checked in the commit). */
  fence: number;
}

async function seed(store: Store): Promise<Agent[]> {
  const now = new Date().toISOString();
  const agents: Agent[] = [];
  for (let a = 0; a < AGENTS; a++) {
    const id = newId("agent");
    const record = newAgentRecord({ id, name: `a${a}`, system: "s", model: "m/m", createdAt: now });
    await store.createAgent({ ...record, settings: { ...DEFAULT_AGENT_SETTINGS } }, [], []);
    const runId = newId("run");
    await store.createRun({
      id: runId,
      agentId: id,
      status: "running",
      stopReason: null,
      createdAt: now,
      completedAt: null,
      chain: null,
    });
    await store.getAgent(id); // the kernel reads its agent before every step: the cache is warm
    const got = await store.acquireAgentLease(id, "bench", 600_000, () => false);
    if (!("lease" in got)) throw new Error("lease not acquired");
    agents.push({ id, runId, window: [], fence: got.lease.fence });
  }
  return agents;
}

function commit(store: Store, agent: Agent, i: number) {
  const stepId = newId("step");
  const now = new Date().toISOString();
  const text = `Message ${i}: the garden, the weather and a book I read about otters.`;
  const messages = ["user", "assistant", "tool"].map((role) => ({
    ...newMessageRecord({ agentId: agent.id, role: role as "user", text, createdAt: now }),
    stepId,
    runId: agent.runId,
  }));
  agent.window = [...agent.window, ...messages.map((m) => m.id)];
  const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
  return store.commitStep({
    agentId: agent.id,
    step: {
      id: stepId,
      runId: agent.runId,
      agentId: agent.id,
      index: i,
      model: "m/m",
      createdAt: now,
      usage,
    },
    runPatch: { status: "running" },
    messages,
    blockEdits: [],
    passageInserts: [],
    passageDeletes: [],
    agentPatch: { inContextMessageIds: agent.window },
    lease: { fence: agent.fence },
  });
}

async function measure(mode: "inline" | "background" | "off", atOnce: number, commits: number) {
  const dir = mkdtempSync(join(tmpdir(), "lmos-bench-commit-"));
  const path = join(dir, "lmos.db");
  const store = await openSqliteStore(path, { backgroundCheckpoint: mode === "background" });
  try {
    const db = (store as unknown as { sql: { db: { pragma(s: string): unknown } } }).sql.db;
    if (mode === "off") db.pragma("wal_autocheckpoint = 0");
    const agents = await seed(store);
    for (let i = 0; i < 300; i++) await commit(store, agents[i % AGENTS], i); // warm-up
    const wal0 = statSync(`${path}-wal`).size;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < commits; i += atOnce) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(i + atOnce, commits); j++)
        batch.push(commit(store, agents[j % AGENTS], j));
      await Promise.all(batch);
    }
    const wallUs = ((performance.now() - t0) * 1000) / commits;
    const cpu = process.cpuUsage(cpu0);
    const walPages = mode === "off" ? (statSync(`${path}-wal`).size - wal0) / FRAME_BYTES / commits : null;
    return {
      checkpoints: mode,
      at_once: atOnce,
      wall_us_per_commit: Math.round(wallUs),
      cpu_us_per_commit: Math.round((cpu.user + cpu.system) / commits),
      wal_pages_per_commit: walPages === null ? null : Number(walPages.toFixed(1)),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function commitBench(args: string[]): Promise<void> {
  const commits = Number(args[0] ?? 3000);
  const rows = [];
  // Two rounds, alternating, so that a change in the machine's load shows as a spread, not as a ranking.
  for (let round = 0; round < 2; round++) {
    for (const atOnce of [1, 8])
      for (const mode of ["inline", "background", "off"] as const)
        rows.push({ round, ...(await measure(mode, atOnce, commits)) });
  }
  console.table(rows);
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  writeFileSync(
    join(import.meta.dirname, "results/commit.json"),
    `${JSON.stringify({ agents: AGENTS, commits, rows }, null, 2)}\n`,
  );
  console.log("wrote bench/results/commit.json");
}
