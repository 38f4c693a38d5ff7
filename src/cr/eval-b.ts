// Setting (b), life-long: a store of `size` demos (far more than the window holds) compressed into a
// forest with levels above the chunk roots (k = 4), searched top-down with top-C per level.
import type { ReaderParams } from "./reader.ts";
import { answerWithMemory, type EmbedItem, scaled } from "./answer.ts";
import type { GenerationMode, ModelConfig } from "./config.ts";
import { type AccuracyFields, accuracyFields, rawCorrect } from "./eval-raw.ts";
import { buildForest } from "./forest.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import { HostScorer, hostWeights } from "./host-forward.ts";
import { retrieveHost } from "./retriever.ts";
import type { ScoreOptions } from "./scoring.ts";
import { rng, shuffle } from "./rng.ts";
import { demoHasKey, makeLifelong } from "./task.ts";

export interface SettingBResult extends AccuracyFields {
  store_size: number;
  levels: number;
  level_sizes: number[];
  match_rate: number;
  answer_hit: number;
  answer_hit_random: number;
  retrieval_ms_p50: number;
  top_c: number;
  stores: number;
  queries: number;
}

/** Median of a list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : 0;
}

/** Runs setting (b) over `stores` held-out stores with `queries` queries each. */
export async function evalSettingB(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  o: {
    size: number;
    stores: number;
    queries: number;
    C?: number;
    nR?: number;
    tau?: number;
    seed0?: number;
    score?: ScoreOptions;
    generation?: GenerationMode;
    /** The reader adapter for the embed mode (else the stage-B LoRA reads the vectors). */
    reader?: ReaderParams;
  },
): Promise<SettingBResult> {
  const C = o.C ?? 2;
  const ms: number[] = [];
  const hitsCr: boolean[] = [];
  const hitsRand: boolean[] = [];
  const embedCr: EmbedItem[] = [];
  const embedRand: EmbedItem[] = [];
  const rawCr: Array<{ demos: number[][]; query: ReturnType<typeof makeLifelong>["queries"][number] }> = [];
  const rawRand: typeof rawCr = [];
  const labels: number[] = [];
  let match = 0;
  let levels = 0;
  let sizes: number[] = [];
  const scorer = new HostScorer(await hostWeights(cfg, p, ad));
  for (let s = 0; s < o.stores; s++) {
    const store = makeLifelong((o.seed0 ?? 0) + s, o.size, o.queries);
    const db = await buildForest(cfg, p, ad, store.demos, { upper: true });
    levels = db.topLevel + 1;
    sizes = db.shape();
    const rr = rng(1000 + s);
    for (const q of store.queries) {
      const t0 = performance.now();
      const res = await retrieveHost(scorer, db, q.tokens, {
        C,
        nR: o.nR ?? 2,
        targetLevel: 2,
        tau: o.tau ?? 0.1,
        ...(o.score ? { score: o.score } : {}),
      });
      ms.push(performance.now() - t0);
      const demos = res.nodes.map((id) => db.get(id).chunk);
      match += demos.filter((d) => store.demoTags[d] === q.tag).length / C;
      const has = (d: number) => store.demoTags[d] === q.tag && demoHasKey(store.demos[d] as number[], q.key);
      hitsCr.push(demos.some(has));
      const rand = shuffle(
        rr,
        store.demos.map((_, i) => i),
      ).slice(0, C);
      hitsRand.push(rand.some(has));
      const l1 = (d: number) => db.get(`L2:${d}`).children.map((id) => db.get(id).vec);
      embedCr.push({
        memory: demos.flatMap((d, j) => l1(d).map((v) => scaled(v, res.weights[j] ?? 1))),
        query: q.tokens,
      });
      embedRand.push({ memory: rand.flatMap((d) => l1(d)), query: q.tokens });
      rawCr.push({ demos: demos.map((d) => store.demos[d] as number[]), query: q });
      rawRand.push({ demos: rand.map((d) => store.demos[d] as number[]), query: q });
      labels.push(q.label);
    }
  }
  const acc = (pred: number[]) => pred.filter((l, i) => l === labels[i]).length / labels.length;
  const frac = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;
  const n = labels.length;
  const gen = o.generation ?? "raw";
  const acc_cr_embed = acc(await answerWithMemory(cfg, p, ad, embedCr, o.reader));
  const acc_cr_raw = frac(await rawCorrect(cfg, p, rawCr));
  const acc_random_embed = acc(await answerWithMemory(cfg, p, ad, embedRand, o.reader));
  const acc_random_raw = frac(await rawCorrect(cfg, p, rawRand));
  return {
    store_size: o.size,
    levels,
    level_sizes: sizes,
    ...accuracyFields(gen, {
      crRaw: acc_cr_raw,
      crEmbed: acc_cr_embed,
      randomRaw: acc_random_raw,
      randomEmbed: acc_random_embed,
    }),
    match_rate: match / n,
    answer_hit: frac(hitsCr),
    answer_hit_random: frac(hitsRand),
    retrieval_ms_p50: median(ms),
    top_c: C,
    stores: o.stores,
    queries: n,
  };
}
