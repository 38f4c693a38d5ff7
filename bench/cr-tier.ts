// The experimental compressor-retriever memory tier's cost per agent step (part of `npm run bench -- cr`;
// alone: `npm run bench -- cr tier`). Two lmos in one process against one scripted OpenAI-compatible
// server over HTTP, one with LMOS_EXPERIMENTAL_CR=1 and one without, each with an agent whose small
// window evicts every few turns; the user messages are facts in the task notation (16 tokens each). Steps
// alternate between the two agents so both see the same machine load; the ratio of medians compares
// them within one run. With the tier a step renders a retrieval for the latest user message (host
// forward) and an eviction enqueues a compression job, which runs in the background of the same process
// (its CPU time competes with both agents' steps; it is timed on its own as the backlog wait).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeNotation, makeLifelong } from "../src/cr/index.ts";
import { median } from "../src/cr/eval-b.ts";
import { openLmos } from "../src/index.ts";
import { sendMessageReply, startScriptedModel } from "../test/scripted-model.ts";

export interface TierCost {
  steps_per_arm: number;
  step_ms_median_with_tier: number;
  step_ms_median_without: number;
  step_ms_mean_with_tier: number;
  step_ms_mean_without: number;
  /** median with / median without, same run. */
  ratio_median: number;
  evictions_with_tier: number;
  chunks_compressed: number;
  /** Wait for the compression jobs still queued after the last step. */
  backlog_ms_at_end: number;
}

/** Runs `steps` measured steps per arm after a warm-up that reaches the first eviction in both. */
export async function tierCost(steps = 40): Promise<TierCost> {
  const model = await startScriptedModel({
    fallback: (req) =>
      req.toolNames.length === 0 ? { content: "SUMMARY: facts." } : sendMessageReply("Noted."),
  });
  const homes = [mkdtempSync(join(tmpdir(), "lmos-crt-")), mkdtempSync(join(tmpdir(), "lmos-crb-"))];
  const base = { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "bench", LMOS_MAX_RETRIES: "0" };
  const withTier = await openLmos({ home: homes[0] as string, env: { ...base, LMOS_EXPERIMENTAL_CR: "1" } });
  const without = await openLmos({ home: homes[1] as string, env: base });
  try {
    const arms = await Promise.all(
      [withTier, without].map(async (os) => {
        const a = await os.agents.create({ name: "tier", model: "openai/scripted-small" });
        const total = (await a.context()).total;
        await os.agents.update(a.id, { contextWindow: Math.ceil(total * 2) });
        return { os, agent: a, ms: [] as number[], evictions: 0 };
      }),
    );
    const facts = makeLifelong(91, 400, 1).demos.map((d) => decodeNotation(d));
    let next = 0;
    const step = async (arm: (typeof arms)[number], measure: boolean) => {
      const t0 = performance.now();
      const run = await arm.agent.send(facts[next++ % facts.length] as string);
      const ms = performance.now() - t0;
      if (run.events.some((e) => e.type === "context-pressure" && e.action === "evict")) arm.evictions++;
      if (measure) arm.ms.push(ms);
    };
    for (let i = 0; i < 200 && arms.some((a) => a.evictions === 0); i++)
      for (const arm of arms) await step(arm, false);
    await withTier.jobs.settled();
    const [t, b] = arms as [(typeof arms)[number], (typeof arms)[number]];
    t.evictions = 0;
    for (let i = 0; i < steps; i++) {
      // alternate which arm goes first
      for (const arm of i % 2 ? [b, t] : [t, b]) await step(arm, true);
    }
    const t0 = performance.now();
    await withTier.jobs.settled();
    const backlog = performance.now() - t0;
    const nodes = await withTier.store.getMemoryNodes(t.agent.id, "cr-hierarchy");
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
    return {
      steps_per_arm: steps,
      step_ms_median_with_tier: +median(t.ms).toFixed(2),
      step_ms_median_without: +median(b.ms).toFixed(2),
      step_ms_mean_with_tier: +mean(t.ms).toFixed(2),
      step_ms_mean_without: +mean(b.ms).toFixed(2),
      ratio_median: +(median(t.ms) / median(b.ms)).toFixed(3),
      evictions_with_tier: t.evictions,
      // level-2 nodes are the chunk roots: ids L2:<i>
      chunks_compressed: nodes.filter((n) => n.id.startsWith("L2:")).length,
      backlog_ms_at_end: +backlog.toFixed(1),
    };
  } finally {
    await withTier.close();
    await without.close();
    await model.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  }
}
