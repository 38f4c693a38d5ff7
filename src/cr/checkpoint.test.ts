import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL_PATH, loadModel, saveModel } from "./checkpoint.ts";
import { CONFIGS, LORA_SITES } from "./config.ts";
import { initAdapters, initBase } from "./params.ts";
import { initTensors } from "./tensor/backend.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

describe("model file metadata", () => {
  it("round-trips the generation mode and the fixed centering mean; older files read as embed", async () => {
    const cfg = CONFIGS.nano;
    const dir = mkdtempSync(join(tmpdir(), "cr-ckpt-"));
    const m = {
      cfg,
      base: initBase(cfg),
      ad: initAdapters(cfg, 2, LORA_SITES),
      rank: 2,
      sites: [...LORA_SITES],
    };
    const mean = Array.from({ length: cfg.d }, (_, i) => i / 10);
    await saveModel(join(dir, "a.safetensors"), m, {
      generation: "raw",
      shape: JSON.stringify({ score: { center: true, mean } }),
    });
    const a = loadModel(join(dir, "a.safetensors"));
    expect(a.generation).toBe("raw");
    expect(a.score).toEqual({ center: true, mean });
    await saveModel(join(dir, "b.safetensors"), m);
    expect(loadModel(join(dir, "b.safetensors")).generation).toBe("embed");
  });

  it("the shipped model declares raw segments as its generation mode", () => {
    expect(loadModel(DEFAULT_MODEL_PATH).generation).toBe("raw");
  });
});
