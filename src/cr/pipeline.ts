// `lmos cr train`: stage A (base LM) then stage B (adapters), each resumable from its checkpoint in
// `dir`; the result is written as one model file.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { saveModel } from "./checkpoint.ts";
import { rootMean } from "./root-mean.ts";
import { CONFIGS, type LoraSite } from "./config.ts";
import type { CrShape } from "./cr-step.ts";
import type { StageABackendName } from "./stage-a-backend.ts";
import { trainStageA } from "./train-a.ts";
import { jx } from "./tensor/backend.ts";
import { trainStageB } from "./train-b.ts";

export interface TrainPlan {
  config: keyof typeof CONFIGS;
  stepsA: number;
  stepsB: number;
  batchA: number;
  lrA: number;
  lrB: number;
  rank: number;
  sites: LoraSite[];
  shape: CrShape;
  dir: string;
  out: string;
  /** Stage-A backend (default: native when the addon is built, else jax); stage B runs on jax-js. */
  backendA?: StageABackendName;
  log?: (line: string) => void;
}

/**
 * Default stage-B shape: 8 episodes × 4 queries (2 on the episode's task, 2 on the distractor tasks),
 * 6 demos, C = 2, 2 RET vectors, k = 4, candidates centered before scoring — in training over the batch
 * (≈ a fixed mean); the saved model stores the mean root over training episodes as the fixed centering
 * vector (so retrieval can cache per-node keys/values).
 */
export const DEFAULT_SHAPE: CrShape = {
  E: 8,
  Q: 4,
  nDemos: 6,
  C: 2,
  nR: 2,
  k: 4,
  tau: 0.1,
  auxWeight: 1,
  mixTags: true,
  score: { center: true, batchMean: true },
};

/** Share of stage B spent on the retrieval loss alone (curriculum), at 2 × the batch and 5/3 × the lr. */
export const RETRIEVAL_FIRST = 5 / 7;

/** The scoring options a model file records: batch-mean centering becomes the fixed mean root. */
async function inferenceScore(
  s: CrShape,
  cfg: (typeof CONFIGS)[keyof typeof CONFIGS],
  base: Parameters<typeof rootMean>[1],
  ad: Parameters<typeof rootMean>[2],
) {
  const { batchMean, ...rest } = s.score ?? {};
  return batchMean ? { ...rest, mean: await rootMean(cfg, base, ad) } : rest;
}

/** Runs both stages and writes the model file. */
export async function trainPipeline(plan: TrainPlan): Promise<void> {
  mkdirSync(plan.dir, { recursive: true });
  const cfg = CONFIGS[plan.config];
  const base = await trainStageA({
    cfg,
    steps: plan.stepsA,
    batch: plan.batchA,
    lr: plan.lrA,
    warmup: Math.min(100, Math.ceil(plan.stepsA / 10)),
    ckpt: join(plan.dir, "stage-a.safetensors"),
    every: 50,
    evalEvery: 100,
    curriculum: Math.round(plan.stepsA / 4),
    backend: plan.backendA,
    log: plan.log,
  });
  // curriculum: retrieval first (aux loss only: the answer loss's noise kept it at chance), then end to end
  const stepsR = Math.round(plan.stepsB * RETRIEVAL_FIRST);
  const ckptB = join(plan.dir, "stage-b.safetensors");
  const adR = await trainStageB({
    cfg,
    base,
    shape: { ...plan.shape, E: plan.shape.E * 2, ceWeight: 0 },
    rank: plan.rank,
    sites: plan.sites,
    steps: stepsR,
    lr: plan.lrB * (5 / 3),
    warmup: Math.min(20, Math.ceil(stepsR / 10)),
    ckpt: ckptB,
    every: 25,
    log: plan.log,
  });
  jx().tree.dispose(adR as never);
  const ad = await trainStageB({
    cfg,
    base,
    shape: plan.shape,
    rank: plan.rank,
    sites: plan.sites,
    steps: plan.stepsB,
    lr: plan.lrB,
    warmup: Math.min(20, Math.ceil(plan.stepsB / 10)),
    ckpt: ckptB,
    every: 25,
    log: plan.log,
  });
  await saveModel(
    plan.out,
    { cfg, base, ad, rank: plan.rank, sites: plan.sites },
    {
      steps_a: String(plan.stepsA),
      steps_b: String(plan.stepsB),
      shape: JSON.stringify({ ...plan.shape, score: await inferenceScore(plan.shape, cfg, base, ad) }),
      generation: "raw",
    },
  );
}
