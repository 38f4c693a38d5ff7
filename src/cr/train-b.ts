// Stage B training loop: adapters (LoRA + MEM + RET) end to end through compressor → retriever →
// generation on setting-(a) episodes; base frozen. Progress lines, checkpoints, resume.
import { existsSync } from "node:fs";
import type { LoraSite, ModelConfig } from "./config.ts";
import { type CrShape, makeCrStep } from "./cr-step.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import { initAdapters } from "./params.ts";
import { cosineLr, Progress } from "./progress.ts";
import { rng, randInt } from "./rng.ts";
import { type Episode, makeEpisode, Q_LEN } from "./task.ts";
import { type AdamState, adamInit } from "./tensor/adam.ts";
import { jx, read } from "./tensor/backend.ts";
import { treeFromHost, treeToHost } from "./tree-io.ts";
import { loadSafetensors, saveSafetensors } from "./weights.ts";

export interface StageBOptions {
  cfg: ModelConfig;
  base: BaseParams;
  shape: CrShape;
  rank: number;
  sites: readonly LoraSite[];
  steps: number;
  lr: number;
  warmup: number;
  ckpt: string;
  every?: number;
  log?: (line: string) => void;
  /** Added to the step when drawing batch seeds (a continued run sees fresh training episodes). */
  seedOffset?: number;
}

/**
 * Queries of episode `ep` for stage B. With `mixTags`, queries from index 2 on ask about the distractor
 * tags (a random fact of a demo with that tag), so the same candidates must be ranked differently for
 * different queries: the only way to lower the retrieval loss is then query-dependent matching.
 */
export function stageBQueries(ep: Episode, Q: number, seed: number, mixTags: boolean): StageBQuery[] {
  const r = rng(seed);
  const other = [...new Set(ep.demoTags.filter((t) => t !== ep.queries[0]?.tag))];
  return ep.queries.slice(0, Q).map((q, j) => {
    const tag = mixTags && j >= 2 && other.length ? (other[(j - 2) % other.length] as number) : q.tag;
    const rel = ep.demoTags.flatMap((t, i) => (t === tag ? [i] : []));
    if (tag === q.tag) return { tokens: q.tokens, label: q.label, rel };
    const demo = ep.demos[rel[randInt(r, rel.length)] as number] as number[];
    const slot = randInt(r, 4);
    return {
      tokens: [demo[slot * 4] as number, demo[slot * 4 + 1] as number],
      label: demo[slot * 4 + 2] as number,
      rel,
    };
  });
}

/** One stage-B query: tokens, label token, relevant demo indices. */
export interface StageBQuery {
  tokens: number[];
  label: number;
  rel: number[];
}

/** Host arrays of stage-B batch `step` (training seeds, disjoint from the held-out ones). */
export function stageBBatch(step: number, s: CrShape, V: number) {
  const demoIds = new Int32Array(s.E * s.nDemos * 16);
  const queryIds = new Int32Array(s.E * s.Q * Q_LEN);
  const labels = new Float32Array(s.E * s.Q * V);
  const rel = new Float32Array(s.E * s.Q * s.nDemos);
  for (let e = 0; e < s.E; e++) {
    const seed = 20_000_000 + step * s.E + e;
    const ep = makeEpisode(seed, { nDemos: s.nDemos, nQueries: s.Q });
    ep.demos.forEach((d, i) => {
      demoIds.set(d, (e * s.nDemos + i) * 16);
    });
    stageBQueries(ep, s.Q, seed, s.mixTags ?? false).forEach((q, j) => {
      const n = e * s.Q + j;
      queryIds.set(q.tokens, n * Q_LEN);
      labels[n * V + q.label] = 1;
      for (const r of q.rel) rel[n * s.nDemos + r] = 1;
    });
  }
  return { demoIds, queryIds, labels, rel };
}

/** Loads adapters from a stage-B checkpoint (null when absent). */
export function loadAdapters(
  cfg: ModelConfig,
  path: string,
  rank: number,
  sites: readonly LoraSite[],
): AdapterParams | null {
  if (!existsSync(path)) return null;
  const { tensors } = loadSafetensors(path);
  return treeFromHost(initAdapters(cfg, rank, sites), tensors, "ad");
}

/** Runs (or resumes) stage B; returns the trained adapters. */
export async function trainStageB(o: StageBOptions): Promise<AdapterParams> {
  const { numpy: np, tree } = jx();
  const log = o.log ?? ((l: string) => console.log(l));
  const s = o.shape;
  const V = o.cfg.vocab;
  let ad = initAdapters(o.cfg, o.rank, o.sites);
  let st: AdamState<AdapterParams> = adamInit(ad);
  let start = 0;
  if (existsSync(o.ckpt)) {
    const { tensors, meta } = loadSafetensors(o.ckpt);
    ad = treeFromHost(ad, tensors, "ad");
    st = { m: treeFromHost(st.m, tensors, "m"), v: treeFromHost(st.v, tensors, "v") };
    start = Number(meta.step ?? 0);
    log(`resumed stage B at step ${start} from ${o.ckpt}`);
  }
  if (start >= o.steps) return ad;
  const step = makeCrStep(o.cfg, s);
  const prog = new Progress(
    o.steps,
    start,
    s.E * (s.nDemos * 25 + s.Q * (5 + s.nDemos + s.nR + s.C * 4 + Q_LEN)),
  );
  const save = async (k: number) => {
    const t = await treeToHost(ad, "ad");
    await treeToHost(st.m, "m", t);
    await treeToHost(st.v, "v", t);
    saveSafetensors(o.ckpt, t, {
      stage: "B",
      step: String(k),
      config: JSON.stringify(o.cfg),
      shape: JSON.stringify(s),
      rank: String(o.rank),
      sites: o.sites.join(","),
    });
  };
  for (let k = start; k < o.steps; k++) {
    const b = stageBBatch(k + (o.seedOffset ?? 0), s, V);
    const lr = cosineLr(k, o.steps, o.lr, o.warmup) / (1 - 0.9 ** (k + 1));
    const [ce, aux, gn, ad2, st2] = step(
      ad,
      st,
      tree.ref(o.base as any) as BaseParams,
      np.array(b.demoIds, { dtype: np.int32 }).reshape([s.E * s.nDemos, 16]),
      np.array(b.queryIds, { dtype: np.int32 }).reshape([s.E * s.Q, Q_LEN]),
      np.array(b.labels).reshape([s.E * s.Q, V]),
      np.array(b.rel).reshape([s.E * s.Q, s.nDemos]),
      np.array(lr),
      np.array(1 / (1 - 0.99 ** (k + 1))),
    );
    ad = ad2;
    st = st2;
    const vals = {
      ce: (await read(ce))[0] as number,
      aux: (await read(aux))[0] as number,
      gnorm: (await read(gn))[0] as number,
    };
    const line = prog.tick(k + 1, vals);
    if (line) log(line);
    if ((k + 1) % (o.every ?? 50) === 0 || k + 1 === o.steps) await save(k + 1);
  }
  tree.dispose([st.m, st.v] as any);
  return ad;
}
