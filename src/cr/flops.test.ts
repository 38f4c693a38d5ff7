import { beforeAll, describe, expect, it } from "vitest";
import { CONFIGS } from "./config.ts";
import { nativeStageAMatmulFlops, stageAMatmulFlops } from "./flops.ts";
import { makeLmStep } from "./lm-step.ts";
import { ropeTables, rowPositions } from "./model.ts";
import { initBase } from "./params.ts";
import { adamInit } from "./tensor/adam.ts";
import { initTensors, jx, read } from "./tensor/backend.ts";
import { profileKernels } from "./tensor/profile.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

describe("stage-A matmul FLOP count", () => {
  it("equals the FLOPs of the matmul kernels jax-js runs in one jitted step", async () => {
    const np = jx().numpy;
    for (const [cfg, B, T] of [
      [CONFIGS.nano, 2, 16],
      [CONFIGS.micro, 3, 24],
    ] as const) {
      const step = makeLmStep(cfg);
      let p = initBase(cfg, 3);
      let st = adamInit(p);
      const rope = ropeTables(rowPositions(B, T), B, T, cfg.d / cfg.heads);
      const run = async () => {
        const out = step(
          p,
          st,
          np.zeros([B, T], { dtype: np.int32 }),
          np.ones([B, 1, T, T], { dtype: np.bool }),
          rope.cos.ref,
          rope.sin.ref,
          np.ones([B * T, cfg.vocab]).mul(0.01),
          np.array(1e-3),
          np.array(1),
        );
        p = out[2];
        st = out[3];
        await read(out[0]);
        out[1].dispose();
      };
      await run(); // compile
      const prof = await profileKernels(run);
      expect(prof.matmulFlops).toBe(stageAMatmulFlops(cfg, B, T).total);
      expect(prof.matmulMs + prof.elementwiseMs + prof.otherReduceMs + prof.routineMs).toBeCloseTo(
        prof.kernelMs,
        3,
      );
    }
  });
});

describe("native stage-A matmul FLOP count", () => {
  it("is the jax-js count without the one-hot embedding and token-shift selection products", () => {
    for (const [cfg, B, T] of [
      [CONFIGS.micro, 3, 24],
      [CONFIGS.small, 32, 128],
    ] as const) {
      const N = B * T;
      const oneHot = 2 * N * cfg.vocab * cfg.d; // forward, and once more for dW in the backward
      const select = 2 * B * T * T * cfg.d; // forward, and once more for dx in the backward
      expect(nativeStageAMatmulFlops(cfg, B, T).total).toBe(
        stageAMatmulFlops(cfg, B, T).total - 2 * oneHot - 2 * select,
      );
    }
    // what native/cr-step.cpp's gemm calls add up to for the shipped shape (counted by instrumenting them)
    expect(nativeStageAMatmulFlops(CONFIGS.small, 32, 128).total).toBe(6_618_611_712);
  });
});
