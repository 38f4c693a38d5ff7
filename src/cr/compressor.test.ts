import { beforeAll, describe, expect, it } from "vitest";
import { compress } from "./compressor.ts";
import { CONFIGS, LORA_SITES } from "./config.ts";
import { initAdapters, initBase } from "./params.ts";
import { gauss, rng } from "./rng.ts";
import { initTensors, jx, read } from "./tensor/backend.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

describe("compressor", () => {
  it("memory vector a depends only on segment a and what precedes it (mask + token shift)", async () => {
    const cfg = CONFIGS.nano;
    const p = initBase(cfg, 3);
    const ad = initAdapters(cfg, 2, LORA_SITES, 4);
    const r = rng(5);
    const x0 = Float32Array.from({ length: 12 * cfg.d }, () => gauss(r));
    const run = async (x: Float32Array) =>
      read(compress(cfg, p, ad, jx().numpy.array(x).reshape([1, 12, cfg.d]), 4));
    const base = await run(x0);
    const x1 = x0.slice();
    x1[9 * cfg.d] = (x1[9 * cfg.d] as number) + 5; // item 9 lies in segment 2
    const moved = await run(x1);
    const d = cfg.d;
    const diff = (a: number) =>
      Math.max(
        ...Array.from({ length: d }, (_, i) =>
          Math.abs((base[a * d + i] as number) - (moved[a * d + i] as number)),
        ),
      );
    expect(diff(0)).toBe(0);
    expect(diff(1)).toBe(0);
    expect(diff(2)).toBeGreaterThan(1e-4);
  });
});
