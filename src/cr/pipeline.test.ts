// Tiny end-to-end checks on the nano model: tree shapes, retrieval consistency, a few training steps
// with checkpoint + resume. Never trains for long.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CONFIGS, LORA_SITES } from "./config.ts";
import { scoreEpisodes } from "./eval-a.ts";
import { buildForest } from "./forest.ts";
import { initAdapters, initBase } from "./params.ts";
import { retrieve, topC } from "./retriever.ts";
import { makeEpisode, makeLifelong } from "./task.ts";
import { initTensors } from "./tensor/backend.ts";
import { trainStageA } from "./train-a.ts";
import { trainStageB } from "./train-b.ts";
import { loadSafetensors } from "./weights.ts";

const cfg = CONFIGS.nano;
beforeAll(async () => {
  await initTensors({ threads: 1 });
});

describe("hierarchy", () => {
  it("builds 16 → 4 → 1 per demo, and ≥ 3 levels above the tokens for a life-long store", async () => {
    const p = initBase(cfg);
    const ad = initAdapters(cfg, 2, LORA_SITES);
    const ep = makeEpisode(1);
    const db = await buildForest(cfg, p, ad, ep.demos);
    expect(db.shape()).toEqual([0, 24, 6]);
    const root = db.get("L2:3");
    expect(root.children).toEqual(["L1:12", "L1:13", "L1:14", "L1:15"]);
    expect(db.get("L1:13").tokens).toEqual((ep.demos[3] as number[]).slice(4, 8)); // child j owns segment [j·k, (j+1)·k)
    const big = await buildForest(cfg, p, ad, makeLifelong(2, 64, 1).demos, { upper: true });
    expect(big.shape()).toEqual([0, 256, 64, 16, 4, 1]);
    expect(big.get("L4:1").children).toEqual(["L3:4", "L3:5", "L3:6", "L3:7"]);
  });

  it("top-down retrieval picks what the batched training-path scoring picks", async () => {
    const p = initBase(cfg, 5);
    const ad = initAdapters(cfg, 2, LORA_SITES, 6);
    const eps = [makeEpisode(7), makeEpisode(8)];
    const batched = await scoreEpisodes(cfg, p, ad, eps, 2);
    for (let e = 0; e < eps.length; e++) {
      const ep = eps[e] as (typeof eps)[number];
      const db = await buildForest(cfg, p, ad, ep.demos);
      const r = await retrieve(cfg, p, ad, db, (ep.queries[0] as { tokens: number[] }).tokens, {
        C: 2,
        nR: 2,
        targetLevel: 2,
        tau: 0.1,
      });
      const s = batched[e]?.scores ?? [];
      expect(r.nodes).toEqual(topC(s, 2).map((i) => `L2:${i}`));
      r.path[0]?.scores.forEach((v, i) => {
        expect(v).toBeCloseTo(s[i] as number, 4);
      });
    }
  });
});

describe("training (a few steps, nano)", () => {
  it("stage A and stage B run, checkpoint and resume", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cr-"));
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const ckA = join(dir, "a.safetensors");
    const stageA = { cfg, batch: 2, lr: 1e-3, warmup: 1, ckpt: ckA, every: 1, evalEvery: 1000, log };
    const base = await trainStageA({ ...stageA, steps: 2 });
    expect(loadSafetensors(ckA).meta.step).toBe("2");
    await trainStageA({ ...stageA, steps: 3 });
    expect(lines.some((l) => l.startsWith("resumed stage A at step 2"))).toBe(true);
    expect(loadSafetensors(ckA).meta.step).toBe("3");
    const ckB = join(dir, "b.safetensors");
    const shape = { E: 1, Q: 2, nDemos: 6, C: 2, nR: 2, k: 4, tau: 0.1, auxWeight: 1 };
    await trainStageB({
      cfg,
      base,
      shape,
      rank: 2,
      sites: ["qkv", "o"],
      steps: 2,
      lr: 1e-3,
      warmup: 1,
      ckpt: ckB,
      every: 1,
      log,
    });
    const progress = lines.filter((l) => l.startsWith("step 2/2"));
    expect(progress.some((l) => /ce \d/.test(l) && /tok\/s/.test(l) && /ETA/.test(l))).toBe(true);
    expect(loadSafetensors(ckB).meta.stage).toBe("B");
  });
});
