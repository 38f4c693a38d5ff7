import { beforeAll, describe, expect, it } from "vitest";
import { retrievalVectors } from "./compressor.ts";
import { CONFIGS, LORA_SITES } from "./config.ts";
import { HostScorer, hostNextLogits, hostRetrievalVectors, hostWeights } from "./host-forward.ts";
import { tokenLogits } from "./lm-step.ts";
import { causalMask } from "./mask.ts";
import { type AdapterParams, embedTokens } from "./model.ts";
import { initAdapters, initBase } from "./params.ts";
import { gauss, rng } from "./rng.ts";
import { scoreCandidates } from "./scoring.ts";
import { initTensors, jx, read } from "./tensor/backend.ts";

beforeAll(async () => {
  await initTensors({ threads: 1 });
});

/** Adapters with non-zero LoRA B so the adapter path is exercised. */
function liveAdapters(): AdapterParams {
  const cfg = CONFIGS.micro;
  const ad = initAdapters(cfg, 2, LORA_SITES, 4);
  const r = rng(11);
  const np = jx().numpy;
  for (const l of ad.lora)
    for (const pair of Object.values(l)) {
      const n = pair.b.size;
      pair.b.dispose();
      pair.b = np.array(Float32Array.from({ length: n }, () => gauss(r) * 0.2)).reshape([2, n / 2]);
    }
  return ad;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] as number))));

describe("host forward (plain-TS retrieval inference)", () => {
  it("matches the jax-js retrieval vectors and scores to 1e-4", async () => {
    const cfg = CONFIGS.micro;
    const np = jx().numpy;
    const p = initBase(cfg, 3);
    const ad = liveAdapters();
    const w = await hostWeights(cfg, p, ad);
    const tokens = [7, 20];
    const ids = np.array(Int32Array.from(tokens), { dtype: np.int32 }).reshape([1, 2]);
    const rJax = await read(retrievalVectors(cfg, p, ad, embedTokens(cfg, p, ids), 2));
    const rHost = hostRetrievalVectors(w, tokens, 2);
    expect(maxDiff(rJax, [...(rHost[0] ?? []), ...(rHost[1] ?? [])])).toBeLessThan(1e-4);

    const r = rng(9);
    const cand = Array.from({ length: 5 }, () => Float32Array.from({ length: cfg.d }, () => gauss(r)));
    const flat = new Float32Array(5 * cfg.d);
    cand.forEach((v, i) => {
      flat.set(v, i * cfg.d);
    });
    const sc = new HostScorer(w);
    const mean = Array.from({ length: cfg.d }, () => gauss(r) * 0.5);
    const opts = [
      {},
      { mode: "logit" as const, beta: 4 },
      { head: 1 },
      { center: true },
      { center: true, mean },
    ];
    for (const o of opts) {
      const sJax = await read(
        scoreCandidates(
          cfg,
          p,
          ad,
          np.array(flat).reshape([1, 5, cfg.d]),
          np.array(rJax.slice()).reshape([1, 2, cfg.d]),
          o,
        ),
      );
      expect(maxDiff(sJax, sc.score(cand, rHost, o))).toBeLessThan(1e-4);
      // twice: the second call reads the per-node cache (fixed-mean or raw candidates)
      expect(maxDiff(sJax, sc.score(cand, rHost, o))).toBeLessThan(1e-4);
    }
  });

  it("decodes like the jax-js model: next-token logits of the base (no LoRA) to 1e-4", async () => {
    const cfg = CONFIGS.micro;
    const p = initBase(cfg, 5);
    const w = await hostWeights(cfg, p, { ...liveAdapters(), lora: [] });
    const tokens = [4, 12, 36, 2, 5, 13, 37, 2, 4, 12];
    const T = tokens.length;
    const lg = await read(tokenLogits(cfg, p, Int32Array.from(tokens), causalMask(T), 1, T));
    const last = lg.slice((T - 1) * cfg.vocab, T * cfg.vocab);
    expect(maxDiff(last, hostNextLogits(w, tokens))).toBeLessThan(1e-4);
  });
});
