// Stage A training loop: base LM on full-context episodes, with progress lines, periodic held-out
// accuracy, atomic checkpoints and resume.
import { existsSync } from "node:fs";
import { packBatch, type SeqBatch, sequenceFor, targetWeights } from "./batch.ts";
import { type ModelConfig, VOCAB } from "./config.ts";
import { rawCorrect } from "./eval-raw.ts";
import type { BaseParams } from "./model.ts";
import { nativeUnavailableReason } from "./native-step.ts";
import { rng } from "./rng.ts";
import {
  createStageA,
  defaultStageABackend,
  type StageABackendName,
  type StageAStart,
} from "./stage-a-backend.ts";
import { makeEpisode, type Query } from "./task.ts";
import { loadSafetensors, saveSafetensors } from "./weights.ts";
import { cosineLr, Progress } from "./progress.ts";

export interface StageAOptions {
  cfg: ModelConfig;
  steps: number;
  batch: number;
  lr: number;
  warmup: number;
  ckpt: string;
  every?: number;
  evalEvery?: number;
  /** Steps before this one use short 1–2 demo contexts (curriculum). */
  curriculum?: number;
  /** Overrides the batch source (experiments). */
  batchFn?: (step: number, B: number) => SeqBatch;
  /** Weight of the all-positions next-token loss beside the label loss (default 0.3). */
  lmWeight?: number;
  log?: (line: string) => void;
  /** "native" (AVX2 addon) or "jax"; default native when the addon is built and loads. */
  backend?: StageABackendName;
  /** Held-out episodes of the periodic acc_full evaluation (default 256). */
  evalEpisodes?: number;
}

const T_A = 128;
const T_SHORT = 80;

/** Training batch `step`: episodes with 0–6 demos (mostly 6), up to 8 queries each, labels on the `=` slots. */
export function stageABatch(step: number, B: number, short = false) {
  const seqs = [];
  for (let i = 0; i < B; i++) {
    const seed = 10_000_000 + step * B + i;
    const r = rng(seed);
    const u = r();
    // curriculum (spec §7.2): short contexts of 1–3 demos first, then mostly the full 6
    const nDemos = short ? 1 + Math.floor(u * 3) : u < 0.6 ? 6 : Math.floor(r() * 6);
    const ep = makeEpisode(seed, { nDemos, nQueries: 4 });
    // 4 queries on the relevant tag (spec) + 4 on random facts of any demo: more lookup signal per step
    const extra = Array.from({ length: 4 }, () => {
      const d = ep.demos[Math.floor(r() * ep.demos.length)];
      if (!d) return ep.queries[0] as Query;
      const f = Math.floor(r() * 4) * 4;
      return { ...(ep.queries[0] as Query), tokens: d.slice(f, f + 2), label: d[f + 2] as number };
    });
    const qs = nDemos === 0 ? ep.queries : [...ep.queries, ...extra];
    const s = sequenceFor(ep.demos, qs, true);
    seqs.push({ ids: s.ids, at: s.at, labels: qs.map((q) => q.label) });
  }
  return packBatch(seqs, short ? T_SHORT : T_A);
}

/**
 * An induction warm-up sequence: random key tokens, a separator, then the same tokens again, with
 * loss on the repeat. It grows the copy (induction) circuit the lookup needs in ~100 steps, while the
 * lookup task alone sits on a bag-of-labels plateau (measured: 0.61 on 1-demo lookup after 300 steps).
 */
export function copySeq(seed: number, T: number): { ids: number[]; at: number[]; labels: number[] } {
  const r = rng(seed * 31 + 7);
  const L = Math.floor((T - 1) / 2);
  const xs = Array.from({ length: L }, () => VOCAB.KEY0 + Math.floor(r() * VOCAB.nKeys));
  const ids = [...xs, VOCAB.SEMI, ...xs];
  const at = Array.from({ length: L - 1 }, (_, j) => L + 1 + j);
  return { ids, at, labels: at.map((a) => ids[a + 1] as number) };
}

/** Held-out full-context accuracy on `n` episodes (seeds 0..n-1, the first query each). */
export async function heldOutFull(cfg: ModelConfig, p: BaseParams, n: number): Promise<number> {
  const items = Array.from({ length: n }, (_, s) => {
    const ep = makeEpisode(s);
    return { demos: ep.demos, query: ep.queries[0] as (typeof ep.queries)[number] };
  });
  const ok = await rawCorrect(cfg, p, items);
  return ok.filter(Boolean).length / n;
}

/** Runs (or resumes) stage A on the chosen backend (default: native when built); returns the trained params. */
export async function trainStageA(o: StageAOptions): Promise<BaseParams> {
  const log = o.log ?? ((l: string) => console.log(l));
  let from: StageAStart = null;
  let start = 0;
  if (existsSync(o.ckpt)) {
    const { tensors, meta } = loadSafetensors(o.ckpt);
    const moments = meta.stage === "A" && tensors.has("m.wte");
    if (moments) start = Number(meta.step ?? 0);
    from = { tensors, moments };
    log(`resumed stage A at step ${start} from ${o.ckpt}`);
  }
  const be = await createStageA(o.backend ?? defaultStageABackend(), o.cfg, from);
  if (start >= o.steps) return be.finish();
  log(`stage A on the ${be.name} backend`);
  if (be.name === "jax" && !o.backend && nativeUnavailableReason())
    log(`(native stage-A step unavailable: ${nativeUnavailableReason()})`);
  const B = o.batch;
  const prog = new Progress(o.steps, start, B * T_A);
  const save = async (s: number) => {
    saveSafetensors(o.ckpt, await be.toHost(), {
      stage: "A",
      step: String(s),
      config: JSON.stringify(o.cfg),
    });
  };
  for (let s = start; s < o.steps; s++) {
    const short = s < (o.curriculum ?? 0);
    const b = o.batchFn ? o.batchFn(s, B) : stageABatch(s, B, short);
    const lr = cosineLr(s, o.steps, o.lr, o.warmup) / (1 - 0.9 ** (s + 1));
    const c2 = 1 / (1 - 0.99 ** (s + 1));
    const { loss, gnorm } = await be.step(b, targetWeights(b, o.cfg.vocab, o.lmWeight ?? 0.3), lr, c2);
    const line = prog.tick(s + 1, { loss, gnorm }, B * b.T);
    if (line) log(line);
    if ((s + 1) % (o.evalEvery ?? 250) === 0 || s + 1 === o.steps) {
      const acc = await heldOutFull(o.cfg, be.params(), o.evalEpisodes ?? 256);
      log(`eval step ${s + 1}: acc_full(held-out ${o.evalEpisodes ?? 256}) ${acc.toFixed(3)}`);
    }
    if ((s + 1) % (o.every ?? 100) === 0 || s + 1 === o.steps) await save(s + 1);
  }
  return be.finish();
}
