// The reader adapter (reader.ts, reader-init.ts, train-reader.ts) on the nano model: a fresh reader is
// the base reading the raw vectors, the closed-form input map recovers a known map, training lowers
// the answer loss and resumes from its checkpoint, and a model file carries the reader.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { answerWithMemory } from "./answer.ts";
import { DEFAULT_MODEL_PATH, loadModel, saveModel } from "./checkpoint.ts";
import { evalSettingA } from "./eval-a.ts";
import { CONFIGS, LORA_SITES } from "./config.ts";
import { initAdapters, initBase } from "./params.ts";
import { initReader } from "./reader.ts";
import { ridge } from "./reader-init.ts";
import { rng } from "./rng.ts";
import { initTensors } from "./tensor/backend.ts";
import {
  readerAccuracy,
  readerData,
  readerDataFrom,
  readerDataTensors,
  trainReader,
} from "./train-reader.ts";
import { treeToHost } from "./tree-io.ts";
import { loadSafetensors, saveSafetensors } from "./weights.ts";

const cfg = CONFIGS.nano;
beforeAll(async () => {
  await initTensors({ threads: 1 });
});

function nanoModel() {
  return {
    cfg,
    base: initBase(cfg, 11),
    ad: initAdapters(cfg, 2, LORA_SITES, 12),
    rank: 2,
    sites: [...LORA_SITES],
    meta: {},
    score: {},
    generation: "embed" as const,
  };
}

describe("reader adapter", () => {
  it("a fresh reader answers as the base model reading the raw vectors", async () => {
    const m = nanoModel();
    const r = rng(5);
    const items = Array.from({ length: 12 }, () => ({
      memory: Array.from({ length: 8 }, () => Float32Array.from({ length: cfg.d }, () => r() * 2 - 1)),
      query: [4 + Math.floor(r() * 8), 12 + Math.floor(r() * 24)],
    }));
    const noLora = { ...m.ad, lora: [] };
    const base = await answerWithMemory(cfg, m.base, noLora, items);
    const fresh = await answerWithMemory(cfg, m.base, m.ad, items, initReader(cfg, 2, LORA_SITES));
    expect(fresh).toEqual(base);
  });

  it("the closed-form input map recovers a known linear map", () => {
    const n = 400;
    const D = 6;
    const r = rng(9);
    const P0 = Float64Array.from({ length: D * D }, () => r() - 0.5);
    const X = Float64Array.from({ length: n * D }, () => r() * 2 - 1);
    const Y = new Float64Array(n * D);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < D; j++)
        for (let k = 0; k < D; k++)
          Y[i * D + j] = (Y[i * D + j] as number) + (X[i * D + k] as number) * (P0[k * D + j] as number);
    const P = ridge(X, Y, n, D, 1e-6);
    P.forEach((v, i) => {
      expect(v).toBeCloseTo(P0[i] as number, 4);
    });
  });

  it("training lowers the answer loss, checkpoints, resumes, and the model file carries the reader", async () => {
    const m = nanoModel();
    const data = await readerData(m, { seed0: 30_000_000, episodes: 8, C: 2, nR: 2, tau: 0.1 });
    expect(data.n).toBe(32);
    expect(data.mem.length).toBe(32 * 8 * cfg.d);
    const again = readerDataFrom(readerDataTensors(data));
    expect(again.facts).toEqual(data.facts);
    const dir = mkdtempSync(join(tmpdir(), "cr-reader-"));
    const ckpt = join(dir, "reader.safetensors");
    const lines: string[] = [];
    const opts = { m, data, rank: 2, sites: LORA_SITES, batch: 16, lr: 1e-2, warmup: 1, ckpt, every: 5 };
    await trainReader({ ...opts, steps: 5, log: (l) => lines.push(l) });
    expect(loadSafetensors(ckpt).meta.step).toBe("5");
    const rd = await trainReader({ ...opts, steps: 40, log: (l) => lines.push(l) });
    expect(lines.some((l) => l.startsWith("resumed reader training at step 5"))).toBe(true);
    const ce = lines.filter((l) => l.startsWith("step ")).map((l) => Number(/ce ([\d.]+)/.exec(l)?.[1]));
    expect(ce.length).toBeGreaterThan(2);
    expect(ce[ce.length - 1] as number).toBeLessThan((ce[0] as number) * 0.9);
    const file = join(dir, "model.safetensors");
    await saveModel(file, m);
    const { tensors, meta } = loadSafetensors(file);
    await treeToHost(rd, "rd", tensors);
    saveSafetensors(file, tensors, {
      ...meta,
      reader: JSON.stringify({ rank: 2, sites: LORA_SITES.join(",") }),
    });
    const back = loadModel(file);
    expect(back.reader).toBeDefined();
    if (!back.reader) return;
    expect(await readerAccuracy(back, back.reader, data)).toBe(await readerAccuracy(m, rd, data));
  });
});

describe("the shipped model's reader", () => {
  it("answers from the injected level-1 vectors on held-out episodes, far above random demos", async () => {
    const m = loadModel(DEFAULT_MODEL_PATH);
    expect(m.reader).toBeDefined();
    expect(JSON.parse(m.meta.reader ?? "{}").rank).toBeGreaterThan(0);
    const r = await evalSettingA(m.cfg, m.base, m.ad, {
      episodes: 100,
      score: m.score,
      generation: m.generation,
      ...(m.reader ? { reader: m.reader } : {}),
    });
    expect(r.match_rate).toBeGreaterThan(0.9);
    expect(r.acc_cr_embed).toBeGreaterThan(0.74 * r.acc_full);
    expect(r.acc_cr_embed).toBeGreaterThan(r.acc_random_embed + 0.2);
  }, 600_000);
});
