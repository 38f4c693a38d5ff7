// Child of `npm run bench -- cr`: in a fresh process (jax-js's thread count is fixed at load), times
// matmul 512³ and the jitted stage-A training step (fwd + bwd + AdamW) for one model config and thread
// count, and with 1 thread also splits one step's time by kernel kind (jax-js profiler). Prints
// `result <json>` on stdout. Usage: node --import tsx bench/cr-step.ts <small|wide> <threads> [reps];
// `... <small|wide> native [reps]` times the native step (native/cr-step.cpp) instead, on the same batch
// and initial weights, with its default thread count.
import { CONFIGS, type ModelConfig } from "../src/cr/config.ts";
import { median } from "../src/cr/eval-b.ts";
import { nativeStageAMatmulFlops, stageAMatmulFlops } from "../src/cr/flops.ts";
import { lmStepInputs, makeLmStep } from "../src/cr/lm-step.ts";
import { ropeTables, rowPositions } from "../src/cr/model.ts";
import { initBase } from "../src/cr/params.ts";
import { targetWeights } from "../src/cr/batch.ts";
import { stageABatch } from "../src/cr/train-a.ts";
import { NativeLm, nativeThreads } from "../src/cr/native-step.ts";
import { baseToFlat } from "../src/cr/stage-a-backend.ts";
import { adamInit } from "../src/cr/tensor/adam.ts";
import { initTensors, jitted, read } from "../src/cr/tensor/backend.ts";
import { type KernelProfile, profileKernels } from "../src/cr/tensor/profile.ts";

/** The model shapes the bench times: the shipped one and one with 2× wider matmuls. */
export const STEP_CONFIGS: Record<"small" | "wide", ModelConfig> = {
  small: CONFIGS.small,
  wide: { ...CONFIGS.small, d: 128, ff: 512 },
};
/** Stage-A batch of the bench (the `lmos cr train` default: 32 episodes × 128 tokens). */
export const STEP_B = 32;

/** What one child measures. */
export interface StepResult {
  config: string;
  backend: "jax" | "native";
  threads: number;
  matmul512_gflops: number;
  step_ms: number;
  step_ms_all: number[];
  matmul_flops: number;
  loss_first: number;
  loss_last: number;
  profile: KernelProfile | null;
}

async function timed(n: number, f: () => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** The native step on the bench batch: median of `reps` steps after one warm-up step. */
async function nativeMain(name: keyof typeof STEP_CONFIGS, reps: number): Promise<StepResult> {
  const cfg = STEP_CONFIGS[name];
  await initTensors({ threads: 1 }); // only to build the same initial weights as the jax-js run
  const batch = stageABatch(7, STEP_B);
  const tgt = targetWeights(batch, cfg.vocab, 0.3);
  const threads = nativeThreads();
  const lm = new NativeLm(cfg, await baseToFlat(cfg, initBase(cfg, 3)), undefined, threads);
  const losses: number[] = [];
  const run = async () => void losses.push(lm.step(batch, tgt, 1e-3, 1).loss);
  await run();
  const stepMs = await timed(reps, run);
  return {
    config: name,
    backend: "native",
    threads,
    matmul512_gflops: 0,
    step_ms: median(stepMs),
    step_ms_all: stepMs.map(Math.round),
    matmul_flops: nativeStageAMatmulFlops(cfg, STEP_B, batch.T).total,
    loss_first: losses[0] as number,
    loss_last: losses[reps] as number,
    profile: null,
  };
}

async function main(): Promise<void> {
  const name = (process.argv[2] ?? "small") as keyof typeof STEP_CONFIGS;
  const reps = Number(process.argv[4] ?? 5);
  if (process.argv[3] === "native") {
    console.log(`result ${JSON.stringify(await nativeMain(name, reps))}`);
    process.exit(0);
  }
  const threads = Number(process.argv[3] ?? 1);
  const cfg = STEP_CONFIGS[name];
  const jax = await initTensors({ threads });
  const np = jax.numpy;
  const mm = jitted((a: ReturnType<typeof np.ones>, b: ReturnType<typeof np.ones>) => np.matmul(a, b));
  const a = np.ones([512, 512]);
  const b = np.ones([512, 512]);
  const mmRun = async () => void (await read(mm(a.ref, b.ref)));
  await mmRun();
  const mmMs = median(await timed(2 * reps, mmRun));

  const batch = stageABatch(7, STEP_B);
  const T = batch.T;
  const rope = ropeTables(rowPositions(STEP_B, T), STEP_B, T, cfg.d / cfg.heads);
  const tgt = targetWeights(batch, cfg.vocab, 0.3);
  const step = makeLmStep(cfg);
  let p = initBase(cfg, 3);
  let st = adamInit(p);
  const losses: number[] = [];
  const run = async () => {
    const out = step(p, st, ...lmStepInputs(cfg, batch, rope, tgt, 1e-3, 1));
    p = out[2];
    st = out[3];
    losses.push((await read(out[0]))[0] as number);
    out[1].dispose();
  };
  await run(); // trace + compile
  const stepMs = await timed(reps, run);
  const profile = threads === 1 ? await profileKernels(run) : null;
  const result: StepResult = {
    config: name,
    backend: "jax",
    threads,
    matmul512_gflops: (2 * 512 ** 3) / mmMs / 1e6,
    step_ms: median(stepMs),
    step_ms_all: stepMs.map(Math.round),
    matmul_flops: stageAMatmulFlops(cfg, STEP_B, T).total,
    loss_first: losses[0] as number,
    loss_last: losses[reps] as number,
    profile,
  };
  console.log(`result ${JSON.stringify(result)}`);
  process.exit(0);
}

if (process.argv[1]?.endsWith("cr-step.ts")) await main();
