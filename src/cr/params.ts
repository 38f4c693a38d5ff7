// Weight initialisation for the base model and the stage-B adapters.
import type { LoraSite, ModelConfig } from "./config.ts";
import type { AdapterParams, BaseParams, LoraLayer } from "./model.ts";
import { gauss, rng } from "./rng.ts";
import { type Arr, jx } from "./tensor/backend.ts";

function randn(r: () => number, shape: number[], std: number): Arr {
  const n = shape.reduce((a, b) => a * b, 1);
  const buf = new Float32Array(n);
  for (let i = 0; i < n; i++) buf[i] = gauss(r) * std;
  return jx().numpy.array(buf).reshape(shape);
}

/** Fresh base weights (scaled-normal init; residual outputs scaled down by depth). */
export function initBase(cfg: ModelConfig, seed = 1): BaseParams {
  const np = jx().numpy;
  const r = rng(seed);
  const { d, ff, layers } = cfg;
  const out = 1 / Math.sqrt(2 * layers);
  return {
    wte: randn(r, [cfg.vocab, d], 1 / Math.sqrt(d)),
    lnf: np.ones([d]),
    shift: randn(r, [d, d], 0.5 / Math.sqrt(d)),
    layers: Array.from({ length: layers }, () => ({
      ln1: np.ones([d]),
      wqkv: randn(r, [d, 3 * d], 1 / Math.sqrt(d)),
      wo: randn(r, [d, d], out / Math.sqrt(d)),
      ln2: np.ones([d]),
      w1: randn(r, [d, ff], 1 / Math.sqrt(d)),
      w2: randn(r, [ff, d], out / Math.sqrt(ff)),
    })),
  };
}

const SITE_DIMS: Record<LoraSite, (c: ModelConfig) => [number, number]> = {
  qkv: (c) => [c.d, 3 * c.d],
  o: (c) => [c.d, c.d],
  up: (c) => [c.d, c.ff],
  down: (c) => [c.ff, c.d],
};

/** Fresh adapters: LoRA A random, B zero (so training starts at the base model), MEM/RET random. */
export function initAdapters(
  cfg: ModelConfig,
  rank: number,
  sites: readonly LoraSite[],
  seed = 2,
): AdapterParams {
  const np = jx().numpy;
  const r = rng(seed);
  const lora: LoraLayer[] = Array.from({ length: cfg.layers }, () => {
    const l: LoraLayer = {};
    for (const s of sites) {
      const [i, o] = SITE_DIMS[s](cfg);
      l[s] = { a: randn(r, [i, rank], 1 / Math.sqrt(i)), b: np.zeros([rank, o]) };
    }
    return l;
  });
  return { mem: randn(r, [cfg.d], 1), ret: randn(r, [cfg.d], 1), lora };
}
