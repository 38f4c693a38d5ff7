// Host copies of the weights for the plain-TS retrieval forward (host-forward.ts): LoRA merged into
// the base matrices (W + A·B, row-major [in][out]) and placed in one wasm memory so the SIMD kernel
// (host-wasm.ts) reads them in place; scratch rows for the kernel's inputs and outputs.
import type { ModelConfig } from "./config.ts";
import type { AdapterParams, BaseParams, LoraPair } from "./model.ts";
import { simdFits, WasmMath } from "./host-wasm.ts";
import { type Arr, read } from "./tensor/backend.ts";

/** A merged linear map [I][O] (row-major, in wasm memory). */
export interface HostLin {
  w: Float32Array;
  I: number;
  O: number;
}
export interface HostLayer {
  ln1: Float32Array;
  qkv: HostLin;
  o: HostLin;
  ln2: Float32Array;
  up: HostLin;
  down: HostLin;
}
/** Host copies of the base weights and adapters. */
export interface HostWeights {
  cfg: ModelConfig;
  wte: Float32Array;
  shift: HostLin;
  lnf: Float32Array;
  ret: Float32Array;
  layers: HostLayer[];
  /** x[T,I]·W → a new [T,O] array. */
  linear: (x: Float32Array, T: number, L: HostLin) => Float32Array;
}

/** Rows per kernel call (longer inputs are chunked). */
const CHUNK = 16;

const host = async (a: Arr) => (await read(a.ref)).slice();

/** The merged weights as plain arrays ([I][O] row-major matrices): what a worker thread is sent. */
export interface HostWeightArrays {
  cfg: ModelConfig;
  wte: Float32Array;
  shift: Float32Array;
  lnf: Float32Array;
  ret: Float32Array;
  layers: Array<{
    ln1: Float32Array;
    qkv: Float32Array;
    o: Float32Array;
    ln2: Float32Array;
    up: Float32Array;
    down: Float32Array;
  }>;
}

/** Copies the parameter trees to host arrays (borrows them), merging LoRA into the base matrices. */
export async function hostWeightArrays(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
): Promise<HostWeightArrays> {
  const lin = async (w: Arr, pair?: LoraPair): Promise<Float32Array> => {
    const [I, O] = w.shape as [number, number];
    const m = await host(w);
    if (pair) {
      const r = pair.a.shape[1] as number;
      const a = await host(pair.a);
      const b = await host(pair.b);
      for (let i = 0; i < I; i++)
        for (let k = 0; k < r; k++) {
          const aik = a[i * r + k] as number;
          for (let o = 0; o < O; o++)
            m[i * O + o] = (m[i * O + o] as number) + aik * (b[k * O + o] as number);
        }
    }
    return m;
  };
  const layers: HostWeightArrays["layers"] = [];
  for (const [i, l] of p.layers.entries()) {
    const lo = ad.lora[i] ?? {};
    layers.push({
      ln1: await host(l.ln1),
      qkv: await lin(l.wqkv, lo.qkv),
      o: await lin(l.wo, lo.o),
      ln2: await host(l.ln2),
      up: await lin(l.w1, lo.up),
      down: await lin(l.w2, lo.down),
    });
  }
  return {
    cfg,
    wte: await host(p.wte),
    shift: await lin(p.shift),
    lnf: await host(p.lnf),
    ret: await host(ad.ret),
    layers,
  };
}

/** Places host arrays in one wasm memory for the SIMD kernel (no tensor backend needed: worker-safe). */
export function hostWeightsFrom(a: HostWeightArrays): HostWeights {
  const { cfg } = a;
  const { d: D, ff } = cfg;
  const mats = cfg.layers * (3 * D * D + D * D + 2 * D * ff) + D * D;
  const wm = new WasmMath(mats + 2 * CHUNK * Math.max(3 * D, ff) + 64);
  const sx = wm.alloc(CHUNK * Math.max(3 * D, ff));
  const sy = wm.alloc(CHUNK * Math.max(3 * D, ff));
  const lin = (w: Float32Array, I: number, O: number): HostLin => {
    const m = wm.alloc(I * O);
    m.set(w);
    return { w: m, I, O };
  };
  const layers: HostLayer[] = a.layers.map((l) => ({
    ln1: l.ln1,
    qkv: lin(l.qkv, D, 3 * D),
    o: lin(l.o, D, D),
    ln2: l.ln2,
    up: lin(l.up, D, ff),
    down: lin(l.down, ff, D),
  }));
  const linear = (x: Float32Array, T: number, L: HostLin): Float32Array => {
    const { I, O, w } = L;
    const y = new Float32Array(T * O);
    if (!simdFits(O, I)) {
      for (let t = 0; t < T; t++)
        for (let i = 0; i < I; i++) {
          const xi = x[t * I + i] as number;
          for (let o = 0; o < O; o++) y[t * O + o] = (y[t * O + o] as number) + xi * (w[i * O + o] as number);
        }
      return y;
    }
    for (let r0 = 0; r0 < T; r0 += CHUNK) {
      const n = Math.min(CHUNK, T - r0);
      sx.set(x.subarray(r0 * I, (r0 + n) * I));
      sy.fill(0, 0, n * O);
      wm.mm(sx, n, I, w, O, sy);
      y.set(sy.subarray(0, n * O), r0 * O);
    }
    return y;
  };
  return { cfg, wte: a.wte, shift: lin(a.shift, D, D), lnf: a.lnf, ret: a.ret, layers, linear };
}

/** Copies the parameter trees to host memory (borrows them), merging LoRA into the base matrices. */
export async function hostWeights(cfg: ModelConfig, p: BaseParams, ad: AdapterParams): Promise<HostWeights> {
  return hostWeightsFrom(await hostWeightArrays(cfg, p, ad));
}
