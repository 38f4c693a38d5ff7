// The native stage-A step (native/cr-step.cpp) against jax-js: same loss and gradients on a real batch
// (with segmented, non-causal and empty mask rows), finite differences on every parameter kind, the same
// weights after AdamW steps, and a falling training loss through trainStageA. Skips (visibly) only when
// the addon is not built.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SeqBatch, targetWeights } from "./batch.ts";
import { CONFIGS } from "./config.ts";
import { lmStepInputs, makeLmStep } from "./lm-step.ts";
import { segmentedMask } from "./mask.ts";
import { ropeTables, rowPositions } from "./model.ts";
import { jaxLossGrad, relErr } from "./native-reference.testkit.ts";
import { flatLayout, NativeLm, nativeAvailable, nativeUnavailableReason } from "./native-step.ts";
import { initBase } from "./params.ts";
import { rng } from "./rng.ts";
import { baseToFlat } from "./stage-a-backend.ts";
import { adamInit } from "./tensor/adam.ts";
import { initTensors, jx, read } from "./tensor/backend.ts";
import { stageABatch, trainStageA } from "./train-a.ts";

const why = nativeUnavailableReason();
if (why) console.warn(`native-step tests skipped: ${why}`);
const d = describe.skipIf(!nativeAvailable());

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

describe("native stage-A step availability", () => {
  // so a broken build cannot hide behind the skip below: where it can be built, it must have been
  const cpu = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const buildable =
    process.arch === "x64" &&
    /\bavx2\b/.test(cpu) &&
    /\bfma\b/.test(cpu) &&
    spawnSync(process.env.CXX ?? "g++", ["--version"]).status === 0 &&
    // the same places scripts/build-native.mjs looks for node_api.h
    [join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node"].some((dir) =>
      existsSync(join(dir, "node_api.h")),
    );
  it.skipIf(!buildable)("is built and loads on an AVX2+FMA machine with g++ (npm install builds it)", () => {
    expect(nativeUnavailableReason()).toBe("");
  });
});

/** A real stage-A batch whose last sequence gets a segmented mask and whose first has one empty row. */
function oddBatch(B: number, short: boolean): SeqBatch {
  const b = stageABatch(3, B, short);
  const T = b.T;
  b.mask.set(segmentedMask(T - T / 4, 4, T), (B - 1) * T * T);
  b.mask.fill(0, 5 * T, 6 * T); // row 5 of sequence 0 sees nothing: uniform attention, as jax's −1e9 gives
  return b;
}

d("native stage-A step", () => {
  it("loss and every gradient equal jax-js's valueAndGrad (micro, real batch, odd masks)", async () => {
    const cfg = CONFIGS.micro;
    const b = oddBatch(3, false);
    const tgt = targetWeights(b, cfg.vocab, 0.3);
    const flat = await baseToFlat(cfg, initBase(cfg, 5));
    const lm = new NativeLm(cfg, flat);
    const nat = lm.lossGrad(b, tgt);
    const ref = await jaxLossGrad(cfg, flat, b, tgt);
    expect(Math.abs(nat.loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
    for (const e of flatLayout(cfg).entries)
      expect(relErr(nat.grad, ref.grad, e.offset, e.size), e.name).toBeLessThan(1e-4);
  });

  it("gradients match finite differences on every parameter kind (nano)", async () => {
    const cfg = CONFIGS.nano;
    const B = 2;
    const T = 20; // 16 vector lanes + a scalar tail in the row kernels
    const r = rng(11);
    const ids = Int32Array.from({ length: B * T }, () => Math.floor(r() * cfg.vocab));
    const mask = new Uint8Array(B * T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) mask[i * T + j] = 1;
    mask.set(segmentedMask(16, 4, T), T * T);
    const tgt = new Float32Array(B * T * cfg.vocab);
    for (let i = 0; i < B * T; i++) tgt[i * cfg.vocab + Math.floor(r() * cfg.vocab)] = 0.05;
    const b: SeqBatch = { B, T, ids, mask, targets: [], lens: [T, T] };
    const flat = await baseToFlat(cfg, initBase(cfg, 9));
    const lm = new NativeLm(cfg, flat);
    const { grad } = lm.lossGrad(b, tgt);
    const eps = 1e-2;
    const D = cfg.d;
    for (const e of flatLayout(cfg).entries) {
      // wqkv: one coordinate each in the q, k and v columns (q and k reach the loss only through the
      // attention probabilities); elsewhere the largest-gradient coordinate and two random ones
      const probes = e.name.endsWith("wqkv")
        ? [3 * 3 * D + 1, 5 * 3 * D + D + 2, 7 * 3 * D + 2 * D + 3]
        : [argmaxAbs(grad, e.offset, e.size), Math.floor(r() * e.size), Math.floor(r() * e.size)];
      for (const j of probes) {
        const at = e.offset + j;
        const x0 = flat[at] as number;
        flat[at] = x0 + eps;
        const up = lm.lossGrad(b, tgt).loss;
        flat[at] = x0 - eps;
        const dn = lm.lossGrad(b, tgt).loss;
        flat[at] = x0;
        const num = (up - dn) / (2 * eps);
        const an = grad[at] as number;
        expect(Math.abs(num - an), `${e.name}[${j}] fd ${num} analytic ${an}`).toBeLessThan(
          2e-3 + 2e-2 * Math.abs(num),
        );
      }
    }
  });

  it("after AdamW steps the weights equal the jax-js step's (micro)", async () => {
    const cfg = CONFIGS.micro;
    const B = 4;
    let p = initBase(cfg, 2);
    let st = adamInit(p);
    const lm = new NativeLm(cfg, await baseToFlat(cfg, p));
    const jaxStep = makeLmStep(cfg);
    for (let s = 0; s < 3; s++) {
      const b = stageABatch(s, B, true);
      const T = b.T;
      const tgt = targetWeights(b, cfg.vocab, 0.3);
      const lr = 2e-3 / (1 - 0.9 ** (s + 1));
      const c2 = 1 / (1 - 0.99 ** (s + 1));
      const rope = ropeTables(rowPositions(B, T), B, T, cfg.d / cfg.heads);
      const [loss, gn, p2, st2] = jaxStep(p, st, ...lmStepInputs(cfg, b, rope, tgt, lr, c2));
      jx().tree.dispose([rope.cos, rope.sin] as never);
      p = p2;
      st = st2;
      const nat = lm.step(b, tgt, lr, c2);
      const jl = (await read(loss))[0] as number;
      expect(Math.abs(nat.loss - jl)).toBeLessThan(1e-4 * jl);
      expect(Math.abs(nat.gnorm - ((await read(gn))[0] as number))).toBeLessThan(1e-3 * nat.gnorm);
    }
    const ref = await baseToFlat(cfg, p);
    for (const e of flatLayout(cfg).entries)
      expect(relErr(lm.params, ref, e.offset, e.size), e.name).toBeLessThan(1e-4);
  });

  describe("training", () => {
    const dir = mkdtempSync(join(tmpdir(), "lmos-native-a-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("the loss falls on the native backend; checkpoints resume", async () => {
      const lines: string[] = [];
      const opts = {
        cfg: CONFIGS.micro,
        steps: 60,
        batch: 8,
        lr: 3e-3,
        warmup: 5,
        ckpt: join(dir, "a.safetensors"),
        every: 30,
        evalEvery: 1000,
        evalEpisodes: 8,
        curriculum: 60,
        backend: "native" as const,
        log: (l: string) => lines.push(l),
      };
      const p = await trainStageA({ ...opts, steps: 30 });
      jx().tree.dispose(p as never);
      const p2 = await trainStageA(opts);
      jx().tree.dispose(p2 as never);
      expect(lines).toContain("stage A on the native backend");
      expect(lines.some((l) => l.startsWith("resumed stage A at step 30"))).toBe(true);
      const losses = lines.flatMap((l) => /^step \d+\/\d+ {2}loss ([\d.]+)/.exec(l)?.[1] ?? []).map(Number);
      expect(losses.length).toBeGreaterThanOrEqual(5);
      expect(losses.at(-1) as number).toBeLessThan(0.8 * (losses[0] as number));
    });
  });
});

function argmaxAbs(g: Float32Array, off: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++)
    if (Math.abs(g[off + i] as number) > Math.abs(g[off + best] as number)) best = i;
  return best;
}
