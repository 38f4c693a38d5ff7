// Finite-difference gradient checks for every op the model relies on, including the gradient that
// flows through attention probabilities into retrieval scores.
import { beforeAll, describe, expect, it } from "vitest";
import { CONFIGS, LORA_SITES } from "./config.ts";
import { type AdapterParams, type BaseParams, forward, ropeTables } from "./model.ts";
import { initAdapters, initBase } from "./params.ts";
import { gauss, rng } from "./rng.ts";
import { scoreCandidates, softTopC } from "./scoring.ts";
import { type Arr, initTensors, jx, read } from "./tensor/backend.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

function randArr(shape: number[], seed: number, s = 1): Arr {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return jx()
    .numpy.array(Float32Array.from({ length: n }, () => gauss(r) * s))
    .reshape(shape);
}

/** Compares d f / d x at `probes` coordinates with central differences (f: host data → scalar array). */
async function check(f: (x: Arr) => Arr, shape: number[], seed: number, probes = 6, eps = 1e-2) {
  const { numpy: np, valueAndGrad } = jx();
  const x0 = await read(randArr(shape, seed));
  const [, g] = valueAndGrad(f)(np.array(x0).reshape(shape));
  const gh = await read(g as Arr);
  const r = rng(seed + 1);
  for (let i = 0; i < probes; i++) {
    const j = Math.floor(r() * x0.length);
    const up = x0.slice();
    const dn = x0.slice();
    up[j] = (up[j] as number) + eps;
    dn[j] = (dn[j] as number) - eps;
    const fu = (await read(f(np.array(up).reshape(shape))))[0] as number;
    const fd = (await read(f(np.array(dn).reshape(shape))))[0] as number;
    const num = (fu - fd) / (2 * eps);
    expect(Math.abs(num - (gh[j] as number))).toBeLessThan(2e-2 * Math.max(1, Math.abs(num)));
  }
}

describe("gradient checks (finite differences)", () => {
  it("matmul", async () => {
    const w = await read(randArr([5, 3], 7));
    await check(
      (x) => {
        const np = jx().numpy;
        return np.sum(np.square(np.matmul(x, np.array(w).reshape([5, 3]))));
      },
      [4, 5],
      1,
    );
  });

  const cfg = CONFIGS.nano;
  const T = 6;
  const weightsOut = async () => await read(randArr([1, T, cfg.d], 99));
  const run = (
    p: BaseParams,
    x: Arr,
    ad: AdapterParams | null,
    mask: Uint8Array,
    wOut: Float32Array,
    attn = false,
  ) => {
    const np = jx().numpy;
    const rope = ropeTables(
      Int32Array.from({ length: T }, (_, i) => i * 2),
      1,
      T,
      cfg.d / cfg.heads,
    );
    const m = np.greater(np.array(Float32Array.from(mask)).reshape([1, 1, T, T]), 0.5);
    const out = forward(cfg, p, ad?.lora ?? null, x, rope, m, attn ? [0] : []);
    if (attn) {
      out.hidden.dispose();
      return np.sum(np.square((out.attn[0] as Arr).mul(3)));
    }
    return np.sum(out.hidden.mul(np.array(wOut).reshape([1, T, cfg.d])));
  };
  const causal = Uint8Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 1 : 0));
  const odd = Uint8Array.from({ length: T * T }, (_, i) =>
    i % T === Math.floor(i / T) || (i * 7) % 3 === 0 ? 1 : 0,
  );

  it("transformer block (RMSNorm, RoPE, masked softmax attention, GELU MLP) w.r.t. input embeddings", async () => {
    const p = initBase(cfg, 3);
    const w = await weightsOut();
    await check((x) => run(p, x, null, causal, w), [1, T, cfg.d], 11, 8);
  });

  it("arbitrary mask, w.r.t. input embeddings", async () => {
    const p = initBase(cfg, 4);
    const w = await weightsOut();
    await check((x) => run(p, x, null, odd, w), [1, T, cfg.d], 12, 6);
  });

  it("attention probabilities themselves (the retrieval read-out) w.r.t. input embeddings", async () => {
    const p = initBase(cfg, 5);
    const w = await weightsOut();
    await check((x) => run(p, x, null, causal, w, true), [1, T, cfg.d], 13, 8);
  });

  it("LoRA adapter weights (through the whole block)", async () => {
    const p = initBase(cfg, 6);
    const w = await weightsOut();
    const x0 = await read(randArr([1, T, cfg.d], 21));
    const b0 = initAdapters(cfg, 2, LORA_SITES, 8);
    await check(
      (b) => {
        const ad: AdapterParams = {
          ...b0,
          lora: b0.lora.map((l, i) => (i === 0 ? { ...l, qkv: { a: (l.qkv as { a: Arr }).a.ref, b } } : l)),
        };
        return run(p, jx().numpy.array(x0).reshape([1, T, cfg.d]), ad, causal, w);
      },
      [2, 3 * cfg.d],
      14,
      6,
    );
  });

  it("retrieval scores and the soft top-C weights w.r.t. candidate memory vectors", async () => {
    const p = initBase(cfg, 9);
    const ad = initAdapters(cfg, 2, LORA_SITES, 10);
    const r0 = await read(randArr([1, 2, cfg.d], 31));
    const sel = Float32Array.from([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]); // picks candidates 0 and 3 of 6
    await check(
      (cand) => {
        const np = jx().numpy;
        const s = scoreCandidates(cfg, p, ad, cand, np.array(r0).reshape([1, 2, cfg.d]));
        const w = softTopC(s.ref, np.array(sel).reshape([1, 2, 6]), 0.1);
        return np.sum(w.mul(np.array(Float32Array.from([1, -2])).reshape([1, 2]))).add(np.sum(np.square(s)));
      },
      [1, 6, cfg.d],
      15,
      8,
    );
  });
});
