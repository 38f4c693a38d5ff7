// `npm run bench -- kernel [steps]`: the kernel's own per-step overhead — load, context compile, tool
// dispatch and the one-transaction commit — at 10, 1,000 and 10,000 messages of history in the context
// window. The model is an in-process Provider stub that answers at once with a send_message call, and
// each step's provider time (measured by the kernel's step-timing hook) is subtracted, so the figures
// are our overhead only, not HTTP. Beside them, the process's CPU per step over the recorded steps (every
// thread: the step, the window reset between steps, the store's workers), which load on a shared machine
// moves far less than wall time. Writes bench/results/kernel.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLmos } from "../src/index.ts";
import type { ChatResponse, Provider } from "../src/llm/types.ts";
import { newId, newMessageRecord } from "../src/store/index.ts";
import type { MessageRecord } from "../src/store/types.ts";

const stub: Provider = {
  name: "bench",
  async chat(): Promise<ChatResponse> {
    return {
      text: "",
      reasoning: "",
      toolCalls: [{ id: newId("call"), name: "send_message", arguments: '{"message":"ok"}' }],
      finishReason: "tool_calls",
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    };
  },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}

function seedMessages(agentId: string, n: number): MessageRecord[] {
  const out: MessageRecord[] = [];
  const t0 = Date.now() - n * 1000;
  for (let i = 0; i < n; i++) {
    const user = i % 2 === 0;
    out.push(
      newMessageRecord({
        agentId,
        role: user ? "user" : "assistant",
        text: user
          ? `Message ${i}: here is something about my day, the garden, the weather and a book I read.`
          : `Reply ${i}: thanks for telling me; I noted the garden and the book for later.`,
        createdAt: new Date(t0 + i * 1000).toISOString(),
      }),
    );
  }
  return out;
}

async function measure(
  history: number,
  steps: number,
): Promise<{ p50: number; p99: number; mean: number; cpuMs: number }> {
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-kernel-"));
  const overhead: number[] = [];
  let recording = false;
  let cpu = { user: 0, system: 0 };
  const os = await openLmos({
    home,
    env: {},
    model: "bench/stub",
    provider: () => stub,
    onStepTiming: (t) => {
      if (recording) overhead.push(t.totalMs - t.providerMs);
    },
  });
  try {
    // A window large enough that the seeded history never triggers memory pressure.
    const agent = await os.agents.create({ name: "bench", contextWindow: 4_000_000 });
    const seed = seedMessages(agent.id, history);
    for (let i = 0; i < seed.length; i += 1000) {
      const ids = seed.slice(0, i + 1000).map((m) => m.id);
      await os.store.commitMessages(agent.id, seed.slice(i, i + 1000), { inContextMessageIds: ids });
    }
    const seedIds = seed.map((m) => m.id);
    const warmup = 20;
    for (let i = 0; i < warmup + steps; i++) {
      recording = i >= warmup;
      if (i === warmup) cpu = process.cpuUsage();
      await agent.send(`question ${i}`);
      // Keep the window at the seeded size, so every step sees the same history.
      await os.store.updateAgent(agent.id, { inContextMessageIds: seedIds });
    }
    cpu = process.cpuUsage(cpu);
  } finally {
    await os.close();
    rmSync(home, { recursive: true, force: true });
  }
  const sorted = [...overhead].sort((a, b) => a - b);
  const mean = overhead.reduce((a, b) => a + b, 0) / overhead.length;
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean, cpuMs };
}

/** Runs the kernel benchmark: `[steps] [history,history,...]` (the second argument, e.g. for profiling
 * one size with `npx tsx --cpu-prof bench/run.ts kernel 300 10000`, skips writing the results file). */
export default async function kernelBench(args: string[]): Promise<void> {
  const steps = Number(args[0] ?? 300);
  const sizes = args[1] ? args[1].split(",").map(Number) : [10, 1_000, 10_000];
  const rows: Array<{
    history: number;
    p50_ms: number;
    p99_ms: number;
    mean_ms: number;
    cpu_ms_per_step: number;
    steps: number;
  }> = [];
  console.log(
    `kernel per-step overhead (provider time excluded: in-process stub + step-timing hook), ${steps} steps each`,
  );
  console.log("history | p50 ms | p99 ms | mean ms | CPU ms/step");
  for (const history of sizes) {
    const r = await measure(history, steps);
    const row = {
      history,
      p50_ms: +r.p50.toFixed(3),
      p99_ms: +r.p99.toFixed(3),
      mean_ms: +r.mean.toFixed(3),
      cpu_ms_per_step: +r.cpuMs.toFixed(3),
      steps,
    };
    rows.push(row);
    console.log(
      `${String(history).padStart(7)} | ${row.p50_ms.toFixed(3).padStart(6)} | ${row.p99_ms.toFixed(3).padStart(6)} | ${row.mean_ms.toFixed(3).padStart(7)} | ${row.cpu_ms_per_step.toFixed(3)}`,
    );
  }
  if (args[1]) return;
  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("kernel.json", dir), `${JSON.stringify(rows, null, 2)}\n`);
  console.log("wrote bench/results/kernel.json");
}
