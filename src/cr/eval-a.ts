// Setting (a) of the miniature ICL experiment: 6 demos per query (2 relevant), held-out seeds.
// Reports acc_none, acc_full, acc_kshot (raw), both generation modes of the retrieved demos — acc_cr_raw
// (their raw segments given to the base) and acc_cr_embed (their level-1 vectors injected) — and
// acc_cr = the one the model declares (`generation`); the same for random retrieval; match_rate.
import { fast, lend } from "./fast.ts";
import { answerWithMemory, type EmbedItem, scaled, softPicks } from "./answer.ts";
import type { GenerationMode, ModelConfig } from "./config.ts";
import { type AccuracyFields, accuracyFields, rawCorrect } from "./eval-raw.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import type { ReaderParams } from "./reader.ts";
import { rng, shuffle } from "./rng.ts";
import { type Episode, makeEpisode, Q_LEN } from "./task.ts";
import type { ScoreOptions } from "./scoring.ts";
import { jx, read } from "./tensor/backend.ts";

export interface SettingAResult extends AccuracyFields {
  acc_none: number;
  acc_full: number;
  acc_kshot: number;
  match_rate: number;
  answer_hit: number;
  exact_set: number;
  k: number;
  top_c: number;
  seeds: string;
  episodes: number;
}

const frac = (xs: boolean[]) => xs.filter(Boolean).length / Math.max(1, xs.length);

/** Retrieval scores [E][nDemos] and level-1 blocks [E][nDemos][4] for episodes (batched, eager). */
export async function scoreEpisodes(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  eps: Episode[],
  nR: number,
  so: ScoreOptions = {},
) {
  const np = jx().numpy;
  const n = (eps[0] as Episode).demos.length;
  const ids = np
    .array(Int32Array.from(eps.flatMap((e) => e.demos.flat())), { dtype: np.int32 })
    .reshape([eps.length * n, 16]);
  const f = fast(cfg);
  const l1 = f.compressTokens(4)(lend(p), lend(ad), ids);
  const roots = f.compress(4)(lend(p), lend(ad), l1.ref).reshape([eps.length, n, cfg.d]);
  const qIds = eps.map((e) => (e.queries[0] as Episode["queries"][number]).tokens);
  const qArr = np.array(Int32Array.from(qIds.flat()), { dtype: np.int32 }).reshape([eps.length, Q_LEN]);
  const rv = f.retrieval(nR)(lend(p), lend(ad), qArr);
  const sc = await read(f.score(so)(lend(p), lend(ad), roots, rv));
  const l1h = await read(l1);
  const d = cfg.d;
  return eps.map((_, e) => ({
    scores: Array.from(sc.slice(e * n, (e + 1) * n)),
    blocks: Array.from({ length: n }, (_, j) =>
      Array.from({ length: 4 }, (_, a) =>
        l1h.slice(((e * n + j) * 4 + a) * d, ((e * n + j) * 4 + a + 1) * d),
      ),
    ),
  }));
}

/** Runs setting (a) on held-out seeds [seed0, seed0 + episodes). */
export async function evalSettingA(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  o: {
    episodes: number;
    seed0?: number;
    C?: number;
    nR?: number;
    tau?: number;
    batch?: number;
    score?: ScoreOptions;
    generation?: GenerationMode;
    /** The reader adapter for the embed mode (else the stage-B LoRA reads the vectors). */
    reader?: ReaderParams;
  },
): Promise<SettingAResult> {
  const seed0 = o.seed0 ?? 0;
  const C = o.C ?? 2;
  const nR = o.nR ?? 2;
  const tau = o.tau ?? 0.1;
  const bs = o.batch ?? 100;
  const gen = o.generation ?? "raw";
  const eps = Array.from({ length: o.episodes }, (_, i) => makeEpisode(seed0 + i));
  const q = (e: Episode) => e.queries[0] as Episode["queries"][number];
  const raw = async (sel: (e: Episode, i: number) => number[][]) =>
    frac(
      await rawCorrect(
        cfg,
        p,
        eps.map((e, i) => ({ demos: sel(e, i), query: q(e) })),
      ),
    );
  const acc_none = await raw(() => []);
  const acc_full = await raw((e) => e.demos);
  const acc_kshot = await raw((e) => e.relevant.map((i) => e.demos[i] as number[]));
  const picks: number[][] = [];
  const weights: number[][] = [];
  const blocks: Float32Array[][][] = [];
  for (let i = 0; i < eps.length; i += bs) {
    const res = await scoreEpisodes(cfg, p, ad, eps.slice(i, i + bs), nR, o.score);
    for (const r of res) {
      const { top, weights: w } = softPicks(r.scores, C, tau);
      picks.push(top);
      weights.push(w);
      blocks.push(r.blocks);
    }
  }
  const rr = rng(seed0 + 99);
  const randPicks = eps.map((e) =>
    shuffle(
      rr,
      e.demos.map((_, i) => i),
    ).slice(0, C),
  );
  const embedAcc = async (pk: number[][], w: (i: number, j: number) => number) => {
    const items: EmbedItem[] = eps.map((e, i) => ({
      memory: (pk[i] as number[]).flatMap((d, j) => (blocks[i]?.[d] ?? []).map((v) => scaled(v, w(i, j)))),
      query: q(e).tokens,
    }));
    const out: boolean[] = [];
    for (let i = 0; i < items.length; i += bs) {
      const pred = await answerWithMemory(cfg, p, ad, items.slice(i, i + bs), o.reader);
      pred.forEach((l, j) => {
        out.push(l === q(eps[i + j] as Episode).label);
      });
    }
    return frac(out);
  };
  const acc_cr_embed = await embedAcc(picks, (i, j) => weights[i]?.[j] ?? 1);
  const acc_random_embed = await embedAcc(randPicks, () => 1);
  const acc_cr_raw = await raw((e, i) => (picks[i] as number[]).map((d) => e.demos[d] as number[]));
  const acc_random_raw = await raw((e, i) => (randPicks[i] as number[]).map((d) => e.demos[d] as number[]));
  const match = eps.map((e, i) => (picks[i] as number[]).filter((d) => e.relevant.includes(d)).length / C);
  return {
    acc_none,
    acc_full,
    acc_kshot,
    ...accuracyFields(gen, {
      crRaw: acc_cr_raw,
      crEmbed: acc_cr_embed,
      randomRaw: acc_random_raw,
      randomEmbed: acc_random_embed,
    }),
    match_rate: match.reduce((a, b) => a + b, 0) / eps.length,
    answer_hit: frac(eps.map((e, i) => (picks[i] as number[]).includes(q(e).answerDemo))),
    exact_set: frac(match.map((m) => m === 1)),
    k: 4,
    top_c: C,
    seeds: `${seed0}..${seed0 + o.episodes - 1}`,
    episodes: o.episodes,
  };
}
