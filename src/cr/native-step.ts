// The native stage-A step (native/cr-step.cpp, AVX2+FMA, built by scripts/build-native.mjs at install):
// loads the addon if it was built and this CPU can run it, and keeps the weights and Adam moments as flat
// Float32Arrays between steps (the layout below), convertible to and from checkpoint tensors.
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { SeqBatch } from "./batch.ts";
import type { ModelConfig } from "./config.ts";
import { ADAM_A } from "./lm-step.ts";
import { ropeHost, rowPositions } from "./model.ts";
import type { TensorMap } from "./weights.ts";

/** Where scripts/build-native.mjs writes the addon (git-ignored). */
export const NATIVE_ADDON_PATH = fileURLToPath(new URL("../../native/build/lmos-cr.node", import.meta.url));

interface Addon {
  lossGrad(
    dims: Int32Array,
    params: Float32Array,
    ids: Int32Array,
    mask: Uint8Array,
    cos: Float32Array,
    sin: Float32Array,
    tgt: Float32Array,
    grad: Float32Array,
  ): number;
  step(
    dims: Int32Array,
    params: Float32Array,
    ids: Int32Array,
    mask: Uint8Array,
    cos: Float32Array,
    sin: Float32Array,
    tgt: Float32Array,
    m: Float32Array,
    v: Float32Array,
    hyper: Float64Array,
    out: Float64Array,
  ): void;
}

let addon: Addon | null | undefined;
let why = "";

/** The first native source newer than the built addon (a checkout changed since `npm install`), if any. */
function staleAgainst(): string | null {
  if (!existsSync(NATIVE_ADDON_PATH)) return null;
  const built = statSync(NATIVE_ADDON_PATH).mtimeMs;
  for (const f of ["cr-step.cpp", "cr-ops.h", "cr-gemm.h", "cr-addon.cpp"]) {
    const src = fileURLToPath(new URL(`../../native/${f}`, import.meta.url));
    if (existsSync(src) && statSync(src).mtimeMs > built) return `native/${f}`;
  }
  return null;
}

function load(): Addon | null {
  if (addon !== undefined) return addon;
  const stale = staleAgainst();
  if (stale) {
    why = `the addon is older than ${stale} (rebuild: node scripts/build-native.mjs)`;
    addon = null;
    return addon;
  }
  try {
    addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as Addon;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    why = /Cannot find module/.test(msg)
      ? `the addon is not built (${NATIVE_ADDON_PATH}; run node scripts/build-native.mjs)`
      : (msg.split("\n")[0] ?? msg);
    addon = null;
  }
  return addon;
}

/** Whether the native stage-A step can run here (addon built, CPU with AVX2+FMA). */
export function nativeAvailable(): boolean {
  return load() !== null;
}

/** Why the native step is unavailable ("" when it is available). */
export function nativeUnavailableReason(): string {
  load();
  return why;
}

/** Threads the native step uses by default: min(2, cores), or LMOS_CR_NATIVE_THREADS. */
export function nativeThreads(): number {
  const env = Number(process.env.LMOS_CR_NATIVE_THREADS ?? 0);
  return env > 0 ? Math.floor(env) : Math.max(1, Math.min(2, cpus().length));
}

/** One base tensor in the flat native layout. */
export interface FlatEntry {
  /** Dotted path under BaseParams ("wte", "layers.0.wqkv"). */
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** The flat layout of native/cr-step.cpp: wte, shift, lnf, then per layer ln1, wqkv, wo, ln2, w1, w2. */
export function flatLayout(cfg: ModelConfig): { entries: FlatEntry[]; total: number } {
  const { d: D, ff: F, vocab: V } = cfg;
  const shapes: Array<[string, number[]]> = [
    ["wte", [V, D]],
    ["shift", [D, D]],
    ["lnf", [D]],
  ];
  for (let i = 0; i < cfg.layers; i++)
    shapes.push(
      [`layers.${i}.ln1`, [D]],
      [`layers.${i}.wqkv`, [D, 3 * D]],
      [`layers.${i}.wo`, [D, D]],
      [`layers.${i}.ln2`, [D]],
      [`layers.${i}.w1`, [D, F]],
      [`layers.${i}.w2`, [F, D]],
    );
  let offset = 0;
  const entries = shapes.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const e = { name, shape, offset, size };
    offset += size;
    return e;
  });
  return { entries, total: offset };
}

/** Flat array → checkpoint tensors named `<prefix>.<path>` (copies). */
export function flatToTensors(
  cfg: ModelConfig,
  flat: Float32Array,
  prefix: string,
  out: TensorMap = new Map(),
) {
  for (const e of flatLayout(cfg).entries)
    out.set(`${prefix}.${e.name}`, { shape: e.shape, data: flat.slice(e.offset, e.offset + e.size) });
  return out;
}

/** Checkpoint tensors `<prefix>.<path>` → a flat array; throws on a missing or misshapen tensor. */
export function flatFromTensors(cfg: ModelConfig, t: TensorMap, prefix: string): Float32Array {
  const { entries, total } = flatLayout(cfg);
  const flat = new Float32Array(total);
  for (const e of entries) {
    const x = t.get(`${prefix}.${e.name}`);
    if (!x) throw new Error(`checkpoint is missing tensor ${prefix}.${e.name}`);
    if (x.shape.join() !== e.shape.join())
      throw new Error(`checkpoint tensor ${prefix}.${e.name} has shape ${x.shape}, expected ${e.shape}`);
    flat.set(x.data, e.offset);
  }
  return flat;
}

/** Loss and clipped-gradient norm of one step. */
export interface StepStats {
  loss: number;
  gnorm: number;
}

/** A stage-A model held natively: weights and Adam moments as flat arrays, updated in place by `step`. */
export class NativeLm {
  readonly m: Float32Array;
  readonly v: Float32Array;
  #ropes = new Map<string, { cos: Float32Array; sin: Float32Array }>();
  #hyper = new Float64Array(7);
  #out = new Float64Array(2);
  #addon: Addon;

  constructor(
    readonly cfg: ModelConfig,
    readonly params: Float32Array,
    moments?: { m: Float32Array; v: Float32Array },
    readonly threads = nativeThreads(),
  ) {
    const a = load();
    if (!a) throw new Error(`native stage-A step unavailable: ${why}`);
    this.#addon = a;
    const n = flatLayout(cfg).total;
    if (params.length !== n) throw new Error(`native params: ${params.length} floats, expected ${n}`);
    this.m = moments?.m ?? new Float32Array(n);
    this.v = moments?.v ?? new Float32Array(n);
  }

  #dims(b: SeqBatch): Int32Array {
    const c = this.cfg;
    return Int32Array.from([c.layers, c.d, c.heads, c.ff, c.vocab, b.B, b.T, this.threads]);
  }

  /** RoPE tables for positions 0..T-1 in every row (what stage A uses), cached per shape. */
  #rope(B: number, T: number) {
    const key = `${B}x${T}`;
    let r = this.#ropes.get(key);
    if (!r) {
      r = ropeHost(rowPositions(B, T), B, T, this.cfg.d / this.cfg.heads);
      this.#ropes.set(key, r);
    }
    return r;
  }

  /** Loss −Σ logSoftmax(logits)·tgt and its gradient (flat layout) at the current weights. */
  lossGrad(
    b: SeqBatch,
    tgt: Float32Array,
    rope = this.#rope(b.B, b.T),
  ): { loss: number; grad: Float32Array } {
    const grad = new Float32Array(this.params.length);
    const loss = this.#addon.lossGrad(
      this.#dims(b),
      this.params,
      b.ids,
      b.mask,
      rope.cos,
      rope.sin,
      tgt,
      grad,
    );
    return { loss, grad };
  }

  /**
   * One training step (lm-step.ts's makeLmStep): gradients, global-norm clipping to `clip`, AdamW with
   * ADAM_A; `lr` carries the first-moment bias correction and `c2` = 1/(1 − b2^t), as train-a.ts passes.
   */
  step(b: SeqBatch, tgt: Float32Array, lr: number, c2: number, clip = 1): StepStats {
    const rope = this.#rope(b.B, b.T);
    this.#hyper.set([lr, c2, clip, ADAM_A.b1, ADAM_A.b2, ADAM_A.eps, ADAM_A.wd]);
    this.#addon.step(
      this.#dims(b),
      this.params,
      b.ids,
      b.mask,
      rope.cos,
      rope.sin,
      tgt,
      this.m,
      this.v,
      this.#hyper,
      this.#out,
    );
    return { loss: this.#out[0] as number, gnorm: this.#out[1] as number };
  }
}
