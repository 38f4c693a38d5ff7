// The native stage-A step on shapes the shipped config never has (several work chunks, odd widths, one
// token) against jax-js, 1 and 2 threads bit-identical, and training resumed across backends both ways.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SeqBatch } from "./batch.ts";
import { CONFIGS } from "./config.ts";
import { jaxLossGrad, relErr } from "./native-reference.testkit.ts";
import { flatLayout, NativeLm, nativeAvailable } from "./native-step.ts";
import { initBase } from "./params.ts";
import { rng } from "./rng.ts";
import { baseToFlat } from "./stage-a-backend.ts";
import { initTensors, jx } from "./tensor/backend.ts";
import { trainStageA } from "./train-a.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

function randBatch(B: number, T: number, V: number, seed: number): SeqBatch {
  const r = rng(seed);
  const ids = Int32Array.from({ length: B * T }, () => Math.floor(r() * V));
  const mask = new Uint8Array(B * T * T);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) mask[b * T * T + i * T + j] = 1;
  return { B, T, ids, mask, targets: [], lens: Array(B).fill(T) };
}

describe.skipIf(!nativeAvailable())("native stage-A step, odd shapes and resume", () => {
  for (const [name, cfg, B, T] of [
    ["multi-chunk micro B9", CONFIGS.micro, 9, 24],
    ["odd: d24 h2 ff40 V9 T13", { layers: 2, d: 24, heads: 2, ff: 40, vocab: 9, maxPos: 64 }, 5, 13],
    ["tiny: d4 h2 ff3 V8 T1", { layers: 1, d: 4, heads: 2, ff: 3, vocab: 8, maxPos: 64 }, 2, 1],
    ["T=7 d=20 h=1 ff=17", { layers: 1, d: 20, heads: 1, ff: 17, vocab: 11, maxPos: 64 }, 3, 7],
  ] as const) {
    it(name, async () => {
      const b = randBatch(B, T, cfg.vocab, 3);
      const r = rng(5);
      const tgt = new Float32Array(B * T * cfg.vocab);
      for (let i = 0; i < B * T; i++) tgt[i * cfg.vocab + Math.floor(r() * cfg.vocab)] = 1;
      const flat = await baseToFlat(cfg, initBase(cfg, 5));
      const n1 = new NativeLm(cfg, flat.slice(), undefined, 1).lossGrad(b, tgt);
      const n2 = new NativeLm(cfg, flat.slice(), undefined, 2).lossGrad(b, tgt);
      expect(n2.loss).toBe(n1.loss);
      expect(Buffer.from(n2.grad.buffer).equals(Buffer.from(n1.grad.buffer))).toBe(true);
      const ref = await jaxLossGrad(cfg, flat, b, tgt);
      expect(Math.abs(n1.loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
      for (const e of flatLayout(cfg).entries)
        expect(relErr(n1.grad, ref.grad, e.offset, e.size), e.name).toBeLessThan(1e-3);
    });
  }

  it("cross-backend resume", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rvx-"));
    for (const [a, bk] of [
      ["jax", "native"],
      ["native", "jax"],
    ] as const) {
      const lines: string[] = [];
      const opts = {
        cfg: CONFIGS.nano,
        steps: 6,
        batch: 4,
        lr: 3e-3,
        warmup: 1,
        ckpt: join(dir, `${a}.safetensors`),
        every: 3,
        evalEvery: 1000,
        evalEpisodes: 2,
        curriculum: 6,
        log: (l: string) => lines.push(l),
      };
      jx().tree.dispose((await trainStageA({ ...opts, steps: 3, backend: a })) as never);
      jx().tree.dispose((await trainStageA({ ...opts, backend: bk })) as never);
      expect(lines.some((l) => l.startsWith("resumed stage A at step 3"))).toBe(true);
    }
  });
});
