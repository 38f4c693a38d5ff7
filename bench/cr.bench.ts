// `npm run bench -- cr`: compressor-retriever performance on this CPU — matmul GFLOP/s (512³, jax-js
// wasm, worker pool), the machine's fp32 peak estimate, one training step of each stage (small config),
// compression throughput and top-down retrieval latency over a 4-level store. Writes
// bench/results/cr-bench.json. Timings are wall clock on a shared machine: expect ±20 %.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { packBatch, sequenceFor, targetWeights } from "../src/cr/batch.ts";
import { DEFAULT_MODEL_PATH, loadModel } from "../src/cr/checkpoint.ts";
import { CONFIGS, LORA_SITES } from "../src/cr/config.ts";
import { makeCrStep } from "../src/cr/cr-step.ts";
import { median } from "../src/cr/eval-b.ts";
import { buildForest } from "../src/cr/forest.ts";
import { makeLmStep } from "../src/cr/lm-step.ts";
import { ropeTables } from "../src/cr/model.ts";
import { initAdapters, initBase } from "../src/cr/params.ts";
import { DEFAULT_SHAPE } from "../src/cr/pipeline.ts";
import { HostScorer, hostWeights } from "../src/cr/host-forward.ts";
import { retrieve, retrieveHost } from "../src/cr/retriever.ts";
import { makeEpisode, makeLifelong, Q_LEN } from "../src/cr/task.ts";
import { adamInit } from "../src/cr/tensor/adam.ts";
import { initTensors, jitted, read } from "../src/cr/tensor/backend.ts";
import { stageBBatch } from "../src/cr/train-b.ts";

/** fp32 peak: cores × 2 FMA pipes × 8 lanes (AVX2) × 2 flops × clock; the clock from /proc/cpuinfo. */
function peakEstimate(): { gflops: number; how: string } {
  const info = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const mhz = Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? cpus()[0]?.speed ?? 2500);
  const fma = /\bfma\b/.test(info) && /\bavx2\b/.test(info);
  const n = cpus().length;
  const perCycle = fma ? 32 : 8;
  return {
    gflops: Math.round((n * perCycle * mhz) / 1000),
    how: `${n} cores × ${perCycle} fp32 flop/cycle (${fma ? "AVX2: 2 FMA pipes × 8 lanes × 2" : "no AVX2/FMA flags: 8"}) × ${mhz} MHz (/proc/cpuinfo)`,
  };
}

async function timeIt(n: number, f: () => Promise<void>): Promise<number> {
  await f(); // warm-up (jit compile)
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export default async function bench(args: string[]): Promise<void> {
  const reps = Number(args[0] ?? 5);
  const jax = await initTensors();
  const np = jax.numpy;
  const mm = jitted((a: ReturnType<typeof np.ones>, b: ReturnType<typeof np.ones>) => np.matmul(a, b));
  const a = np.ones([512, 512]);
  const b = np.ones([512, 512]);
  const mmMs = await timeIt(reps * 2, async () => {
    await read(mm(a.ref, b.ref));
  });
  const matmul_gflops = (2 * 512 ** 3) / mmMs / 1e6;
  const peak = peakEstimate();

  const cfg = CONFIGS.small;
  const model = existsSync(DEFAULT_MODEL_PATH) ? loadModel() : null;
  const p = model?.base ?? initBase(cfg);
  const ad = model?.ad ?? initAdapters(cfg, 8, LORA_SITES);

  // stage A step: B 32 × T 128
  const B = 32;
  const T = 128;
  const seqs = Array.from({ length: B }, (_, i) => {
    const ep = makeEpisode(900_000 + i, { nQueries: 8 });
    const s = sequenceFor(ep.demos, ep.queries, true);
    return { ids: s.ids, at: s.at, labels: ep.queries.map((q) => q.label) };
  });
  const batch = packBatch(seqs, T);
  const rope = ropeTables(
    new Int32Array(B * T).map((_, i) => i % T),
    B,
    T,
    cfg.d / cfg.heads,
  );
  const stepA = makeLmStep(cfg);
  let pa = initBase(cfg, 3);
  let sa = adamInit(pa);
  const stepAMs = await timeIt(reps, async () => {
    const out = stepA(
      pa,
      sa,
      np.array(batch.ids, { dtype: np.int32 }).reshape([B, T]),
      np.greater(np.array(Float32Array.from(batch.mask)).reshape([B, 1, T, T]), 0.5),
      rope.cos.ref,
      rope.sin.ref,
      np.array(targetWeights(batch, cfg.vocab, 0.3)).reshape([B * T, cfg.vocab]),
      np.array(1e-4),
      np.array(1),
    );
    pa = out[2];
    sa = out[3];
    await read(out[0]);
    out[1].dispose();
  });
  // training FLOPs per stage-A step: 6·N per token (N = non-embedding params + tied head) + attention
  const N = cfg.layers * (4 * cfg.d * cfg.d + 2 * cfg.d * cfg.ff) + cfg.vocab * cfg.d * 2;
  const flopsA = B * T * (6 * N + 12 * cfg.layers * (T / 2) * cfg.d);

  // stage B step (default shape)
  const s = DEFAULT_SHAPE;
  const stepB = makeCrStep(cfg, s);
  let adb = initAdapters(cfg, 8, LORA_SITES);
  let sb = adamInit(adb);
  const hb = stageBBatch(0, s, cfg.vocab);
  const stepBMs = await timeIt(reps, async () => {
    const out = stepB(
      adb,
      sb,
      jax.tree.ref(p as never) as typeof p,
      np.array(hb.demoIds, { dtype: np.int32 }).reshape([s.E * s.nDemos, 16]),
      np.array(hb.queryIds, { dtype: np.int32 }).reshape([s.E * s.Q, Q_LEN]),
      np.array(hb.labels).reshape([s.E * s.Q, cfg.vocab]),
      np.array(hb.rel).reshape([s.E * s.Q, s.nDemos]),
      np.array(1e-4),
      np.array(1),
    );
    adb = out[3];
    sb = out[4];
    await read(out[0]);
    out[1].dispose();
    out[2].dispose();
  });

  // compression throughput and retrieval latency over a 64-demo store (levels 1..5 above the tokens)
  const store = makeLifelong(77, 64, 40);
  let db = await buildForest(cfg, p, ad, store.demos, { upper: true });
  const compMs = await timeIt(2, async () => {
    db = await buildForest(cfg, p, ad, store.demos, { upper: true });
  });
  const compress_tokens_per_s = (64 * 16) / (compMs / 1000);
  const ro = { C: 2, nR: 2, targetLevel: 2, tau: 0.1, score: model?.score ?? {} };
  const latJax: number[] = [];
  for (const q of store.queries) {
    const t0 = performance.now();
    await retrieve(cfg, p, ad, db, q.tokens, ro);
    latJax.push(performance.now() - t0);
  }
  // plain-TS inference forward (wasm SIMD matmul) with per-node K/V cache (host-forward.ts), warmed
  const scorer = new HostScorer(await hostWeights(cfg, p, ad));
  const tw = performance.now();
  for (const l of db.levels) for (const id of l ?? []) scorer.node(db.get(id).vec, ro.score);
  const cacheMs = performance.now() - tw;
  const lat: number[] = [];
  for (const q of store.queries) {
    const t0 = performance.now();
    await retrieveHost(scorer, db, q.tokens, ro);
    lat.push(performance.now() - t0);
  }
  const result = {
    matmul_gflops: +matmul_gflops.toFixed(2),
    peak_gflops: peak.gflops,
    peak_estimate: peak.how,
    train_step_ms: Math.round(stepAMs),
    train_step_config: `small (4 layers, d 64), stage A, batch 32 × 128 tokens, fwd+bwd+AdamW, jit`,
    train_step_gflops: +(flopsA / stepAMs / 1e6).toFixed(2),
    train_step_peak_share: +(flopsA / stepAMs / 1e6 / peak.gflops).toFixed(3),
    train_step_b_ms: Math.round(stepBMs),
    compress_tokens_per_s: Math.round(compress_tokens_per_s),
    retrieval_ms_p50: +median(lat.slice(2)).toFixed(2),
    retrieval_path:
      ro.score.center && !ro.score.mean
        ? "plain-TS forward + wasm SIMD matmul, set-centered candidates (K/V per pass)"
        : `plain-TS forward + wasm SIMD matmul, per-node K/V cache${ro.score.mean ? " (fixed-mean centering)" : ""}`,
    retrieval_node_cache_ms: Math.round(cacheMs),
    retrieval_jax_ms_p50: +median(latJax.slice(2)).toFixed(2),
    retrieval_levels: db.topLevel,
    retrieval_store: `64 demos → ${db.shape().slice(1).join(" → ")} nodes (levels 1..${db.topLevel}), C = 2`,
    trained_weights: model !== null,
    threads: Number(process.env.LMOS_CR_THREADS ?? 1),
    measured_at: new Date().toISOString(),
  };
  console.table(Object.entries(result).map(([k, v]) => ({ metric: k, value: v })));
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/cr-bench.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/cr-bench.json");
  process.exit(0);
}
