// The stage-A training step behind one small interface, with two backends: "jax" (the jitted jax-js step
// of lm-step.ts) and "native" (native/cr-step.cpp through native-step.ts). train-a.ts uses only this.
import type { SeqBatch } from "./batch.ts";
import type { ModelConfig } from "./config.ts";
import { lmStepInputs, makeLmStep } from "./lm-step.ts";
import { type BaseParams, type Rope, ropeTables, rowPositions } from "./model.ts";
import {
  flatFromTensors,
  flatToTensors,
  NativeLm,
  nativeAvailable,
  nativeUnavailableReason,
  type StepStats,
} from "./native-step.ts";
import { initBase } from "./params.ts";
import { adamInit, type AdamState } from "./tensor/adam.ts";
import { jx, read } from "./tensor/backend.ts";
import { treeFromHost, treeToHost } from "./tree-io.ts";
import type { TensorMap } from "./weights.ts";

export const STAGE_A_BACKENDS = ["native", "jax"] as const;
export type StageABackendName = (typeof STAGE_A_BACKENDS)[number];

/** A stage-A model being trained: weights + Adam moments, one step at a time. */
export interface StageABackend {
  readonly name: StageABackendName;
  /** One step (fwd, bwd, clip, AdamW); `lr` includes the first-moment bias correction, c2 = 1/(1 − b2^t). */
  step(b: SeqBatch, tgt: Float32Array, lr: number, c2: number): Promise<StepStats>;
  /** The current weights as device arrays, borrowed until the next step (for evaluation). */
  params(): BaseParams;
  /** Weights `p.*` and Adam moments `m.*`, `v.*` as host tensors (the checkpoint layout). */
  toHost(): Promise<TensorMap>;
  /** Ends training: returns the weights (owned by the caller) and frees the rest. */
  finish(): BaseParams;
}

/** "native" when the addon is built and loads on this CPU, else "jax". */
export function defaultStageABackend(): StageABackendName {
  return nativeAvailable() ? "native" : "jax";
}

/** Where a backend starts: fresh weights (initBase seed 1), or checkpoint tensors (with or without moments). */
export type StageAStart = { tensors: TensorMap; moments: boolean } | null;

/** Creates a backend; "native" throws a clear error when the addon is unavailable. */
export async function createStageA(
  name: StageABackendName,
  cfg: ModelConfig,
  start: StageAStart,
): Promise<StageABackend> {
  if (name === "native") {
    if (!nativeAvailable()) throw new Error(`--backend native: ${nativeUnavailableReason()}`);
    return nativeStageA(cfg, start);
  }
  return jaxStageA(cfg, start);
}

/** Flat native weights → device arrays. */
export function flatToBase(cfg: ModelConfig, flat: Float32Array): BaseParams {
  const t = flatToTensors(cfg, flat, "p");
  const like = initBase(cfg, 1);
  const p = treeFromHost(like, t, "p");
  jx().tree.dispose(like as never);
  return p;
}

/** Device arrays → flat native weights. */
export async function baseToFlat(cfg: ModelConfig, p: BaseParams): Promise<Float32Array> {
  return flatFromTensors(cfg, await treeToHost(p, "p"), "p");
}

async function nativeStageA(cfg: ModelConfig, start: StageAStart): Promise<StageABackend> {
  let params: Float32Array;
  let moments: { m: Float32Array; v: Float32Array } | undefined;
  if (start) {
    params = flatFromTensors(cfg, start.tensors, "p");
    if (start.moments)
      moments = { m: flatFromTensors(cfg, start.tensors, "m"), v: flatFromTensors(cfg, start.tensors, "v") };
  } else {
    const p0 = initBase(cfg, 1);
    params = await baseToFlat(cfg, p0);
    jx().tree.dispose(p0 as never);
  }
  const lm = new NativeLm(cfg, params, moments);
  let view: BaseParams | null = null;
  const drop = () => {
    if (view) jx().tree.dispose(view as never);
    view = null;
  };
  return {
    name: "native",
    async step(b, tgt, lr, c2) {
      drop();
      return lm.step(b, tgt, lr, c2);
    },
    params() {
      view ??= flatToBase(cfg, lm.params);
      return view;
    },
    async toHost() {
      const t = flatToTensors(cfg, lm.params, "p");
      flatToTensors(cfg, lm.m, "m", t);
      return flatToTensors(cfg, lm.v, "v", t);
    },
    finish() {
      drop();
      return flatToBase(cfg, lm.params);
    },
  };
}

async function jaxStageA(cfg: ModelConfig, start: StageAStart): Promise<StageABackend> {
  const { tree } = jx();
  const like = initBase(cfg, 1);
  let p = start ? treeFromHost(like, start.tensors, "p") : like;
  let st: AdamState<BaseParams> = adamInit(p);
  if (start) {
    tree.dispose(like as never);
    if (start.moments) {
      const m = treeFromHost(st.m, start.tensors, "m");
      const v = treeFromHost(st.v, start.tensors, "v");
      tree.dispose([st.m, st.v] as never);
      st = { m, v };
    }
  }
  const step = makeLmStep(cfg);
  const ropes = new Map<string, Rope>();
  const ropeFor = (B: number, T: number) => {
    const k = `${B}x${T}`;
    let r = ropes.get(k);
    if (!r) {
      r = ropeTables(rowPositions(B, T), B, T, cfg.d / cfg.heads);
      ropes.set(k, r);
    }
    return r;
  };
  return {
    name: "jax",
    async step(b, tgt, lr, c2) {
      const [loss, gn, p2, st2] = step(p, st, ...lmStepInputs(cfg, b, ropeFor(b.B, b.T), tgt, lr, c2));
      p = p2;
      st = st2;
      return { loss: (await read(loss))[0] as number, gnorm: (await read(gn))[0] as number };
    },
    params: () => p,
    async toHost() {
      const t = await treeToHost(p, "p");
      await treeToHost(st.m, "m", t);
      return treeToHost(st.v, "v", t);
    },
    finish() {
      tree.dispose([st.m, st.v] as never);
      for (const r of ropes.values()) tree.dispose([r.cos, r.sin] as never);
      return p;
    },
  };
}
