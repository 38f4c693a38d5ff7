// Trains the reader adapter (reader.ts) on answer CE with the retrieved demos' level-1 vectors injected
// exactly as at evaluation (top-C by the frozen retriever, scaled by the soft top-C weights, in score
// order), on training seeds disjoint from the held-out 0..999. Compressor and retriever stay frozen, so
// the vectors are computed once per episode pool and reused; the step is a jitted jax-js
// value-and-grad of one short pass (C·4 memory rows + 2 query tokens). Checkpoints and resumes.
import { existsSync } from "node:fs";
import { answerWithMemory, softPicks } from "./answer.ts";
import type { CrModel } from "./checkpoint.ts";
import type { LoraSite } from "./config.ts";
import { scoreEpisodes } from "./eval-a.ts";
import type { BaseParams } from "./model.ts";
import { cosineLr, Progress } from "./progress.ts";
import { initReader, type ReaderParams, readerLoss } from "./reader.ts";
import { rng, shuffle } from "./rng.ts";
import { makeEpisode, Q_LEN } from "./task.ts";
import { type AdamState, adamInit, adamUpdate, globalNorm } from "./tensor/adam.ts";
import { type Arr, jitted, jx, read } from "./tensor/backend.ts";
import { treeFromHost, treeToHost } from "./tree-io.ts";
import { loadSafetensors, saveSafetensors, type TensorMap } from "./weights.ts";
import { ADAM_B } from "./cr-step.ts";

/** Injected memory rows, query tokens and label of each training example. */
export interface ReaderData {
  n: number;
  rows: number;
  mem: Float32Array;
  queries: Int32Array;
  labels: Int32Array;
  /** Per memory row: the soft weight it was scaled by and its fact's [T, K, label, =] tokens. */
  rowWeight: Float32Array;
  facts: Int32Array;
}

/**
 * Examples from episodes seed0.. (count `episodes`): the retrieval of each episode's first query picks
 * top-C demos; every query of the episode (all on the same tag) reads those demos' level-1 vectors
 * (`firstOnly`: the first query alone, as the evaluation asks).
 */
export async function readerData(
  m: CrModel,
  o: {
    seed0: number;
    episodes: number;
    C: number;
    nR: number;
    tau: number;
    batch?: number;
    firstOnly?: boolean;
  },
): Promise<ReaderData> {
  const d = m.cfg.d;
  const rows = o.C * 4;
  const mem: number[][] = [];
  const qs: number[] = [];
  const ls: number[] = [];
  const rw: number[] = [];
  const fs: number[] = [];
  const bs = o.batch ?? 100;
  for (let s = 0; s < o.episodes; s += bs) {
    const eps = Array.from({ length: Math.min(bs, o.episodes - s) }, (_, i) => makeEpisode(o.seed0 + s + i));
    const res = await scoreEpisodes(m.cfg, m.base, m.ad, eps, o.nR, m.score);
    res.forEach((r, e) => {
      const { top, weights } = softPicks(r.scores, o.C, o.tau);
      const v = new Float32Array(rows * d);
      const ew: number[] = [];
      const ef: number[] = [];
      top.forEach((t, j) => {
        const demo = eps[e]?.demos[t] as number[];
        for (let a = 0; a < 4; a++) {
          ew.push(weights[j] as number);
          ef.push(...demo.slice(a * 4, a * 4 + 4));
        }
        (r.blocks[t] ?? []).forEach((b, a) => {
          v.set(
            b.map((x) => x * (weights[j] as number)),
            (j * 4 + a) * d,
          );
        });
      });
      for (const q of (eps[e]?.queries ?? []).slice(0, o.firstOnly ? 1 : undefined)) {
        mem.push(Array.from(v));
        rw.push(...ew);
        fs.push(...ef);
        qs.push(...q.tokens);
        ls.push(q.label);
      }
    });
  }
  const out = new Float32Array(mem.length * rows * d);
  mem.forEach((v, i) => {
    out.set(v, i * rows * d);
  });
  return {
    n: ls.length,
    rows,
    mem: out,
    queries: Int32Array.from(qs),
    labels: Int32Array.from(ls),
    rowWeight: Float32Array.from(rw),
    facts: Int32Array.from(fs),
  };
}

export interface ReaderTrainOptions {
  m: CrModel;
  data: ReaderData;
  rank: number;
  sites: readonly LoraSite[];
  steps: number;
  batch: number;
  lr: number;
  warmup: number;
  ckpt: string;
  every?: number;
  log?: (line: string) => void;
  /** Starting reader for a fresh run (default initReader). */
  init?: ReaderParams;
  /** Called at each checkpoint with the step and the current reader (borrowed). */
  onCheckpoint?: (step: number, rd: ReaderParams) => Promise<void>;
}

function makeReaderStep(m: CrModel, clip = 1) {
  const { numpy: np, valueAndGrad, tree } = jx();
  const lossFn = (rd: ReaderParams, p: BaseParams, mem: Arr, q: Arr, lab: Arr) => {
    const l = readerLoss(m.cfg, p, rd, mem, q, lab);
    tree.dispose([rd, p] as any);
    return l;
  };
  return jitted(
    (
      rd: ReaderParams,
      st: AdamState<ReaderParams>,
      p: BaseParams,
      mem: Arr,
      q: Arr,
      lab: Arr,
      lr: Arr,
      c2: Arr,
    ) => {
      const [loss, g] = valueAndGrad(lossFn)(tree.ref(rd as any) as ReaderParams, p, mem, q, lab);
      const gn = globalNorm(g);
      const scale = np.minimum(np.reciprocal(gn.ref.add(1e-6)).mul(clip), 1);
      const [rd2, st2] = adamUpdate(rd, g as ReaderParams, st, lr, c2, scale, ADAM_B);
      return [loss, gn, rd2, st2] as const;
    },
  );
}

/** Runs (or resumes) reader training; returns the reader. */
export async function trainReader(o: ReaderTrainOptions): Promise<ReaderParams> {
  const { numpy: np, tree } = jx();
  const log = o.log ?? ((l: string) => console.log(l));
  const { cfg } = o.m;
  const V = cfg.vocab;
  const D = cfg.d;
  let rd = o.init ?? initReader(cfg, o.rank, o.sites);
  let st: AdamState<ReaderParams> = adamInit(rd);
  let start = 0;
  if (existsSync(o.ckpt)) {
    const { tensors, meta } = loadSafetensors(o.ckpt);
    rd = treeFromHost(rd, tensors, "rd");
    st = { m: treeFromHost(st.m, tensors, "m"), v: treeFromHost(st.v, tensors, "v") };
    start = Number(meta.step ?? 0);
    log(`resumed reader training at step ${start} from ${o.ckpt}`);
  }
  if (start >= o.steps) return rd;
  const step = makeReaderStep(o.m);
  const { data, batch: B } = o;
  const R = data.rows;
  const prog = new Progress(o.steps, start, B * (R + Q_LEN));
  const save = async (k: number) => {
    const t = await treeToHost(rd, "rd");
    await treeToHost(st.m, "m", t);
    await treeToHost(st.v, "v", t);
    saveSafetensors(o.ckpt, t, {
      stage: "reader",
      step: String(k),
      rank: String(o.rank),
      sites: o.sites.join(","),
    });
    await o.onCheckpoint?.(k, rd);
  };
  const perEpoch = Math.floor(data.n / B);
  let order: number[] = [];
  for (let k = start; k < o.steps; k++) {
    const epoch = Math.floor(k / perEpoch);
    if (order.length === 0 || k % perEpoch === 0 || k === start)
      order = shuffle(
        rng(1000 + epoch),
        Array.from({ length: data.n }, (_, i) => i),
      );
    const at = (k % perEpoch) * B;
    const mem = new Float32Array(B * R * D);
    const q = new Int32Array(B * Q_LEN);
    const lab = new Float32Array(B * V);
    for (let b = 0; b < B; b++) {
      const i = order[at + b] as number;
      mem.set(data.mem.subarray(i * R * D, (i + 1) * R * D), b * R * D);
      q.set(data.queries.subarray(i * Q_LEN, (i + 1) * Q_LEN), b * Q_LEN);
      lab[b * V + (data.labels[i] as number)] = 1;
    }
    const lr = cosineLr(k, o.steps, o.lr, o.warmup) / (1 - 0.9 ** (k + 1));
    const [loss, gn, rd2, st2] = step(
      rd,
      st,
      tree.ref(o.m.base as any) as BaseParams,
      np.array(mem).reshape([B, R, D]),
      np.array(q, { dtype: np.int32 }).reshape([B, Q_LEN]),
      np.array(lab).reshape([B, V]),
      np.array(lr),
      np.array(1 / (1 - 0.99 ** (k + 1))),
    );
    rd = rd2;
    st = st2;
    const line = prog.tick(k + 1, {
      ce: (await read(loss))[0] as number,
      gnorm: (await read(gn))[0] as number,
    });
    if (line) log(line);
    if ((k + 1) % (o.every ?? 100) === 0 || k + 1 === o.steps) await save(k + 1);
  }
  tree.dispose([st.m, st.v] as any);
  return rd;
}

/** Reader accuracy (label argmax) on examples. */
export async function readerAccuracy(
  m: CrModel,
  rd: ReaderParams,
  data: ReaderData,
  bs = 250,
): Promise<number> {
  const items = Array.from({ length: data.n }, (_, i) => ({
    memory: Array.from({ length: data.rows }, (_, r) =>
      data.mem.subarray((i * data.rows + r) * m.cfg.d, (i * data.rows + r + 1) * m.cfg.d),
    ),
    query: Array.from(data.queries.subarray(i * Q_LEN, (i + 1) * Q_LEN)),
  }));
  let ok = 0;
  for (let i = 0; i < items.length; i += bs) {
    const pred = await answerWithMemory(m.cfg, m.base, m.ad, items.slice(i, i + bs), rd);
    pred.forEach((l, j) => {
      if (l === data.labels[i + j]) ok++;
    });
  }
  return ok / Math.max(1, data.n);
}

/** ReaderData ↔ named host tensors (a cache: building the data runs the compressor and the retriever). */
export function readerDataTensors(d: ReaderData): TensorMap {
  const f = (a: ArrayLike<number>) => Float32Array.from(a);
  return new Map([
    ["mem", { shape: [d.n, d.rows, d.mem.length / (d.n * d.rows)], data: d.mem }],
    ["queries", { shape: [d.n, Q_LEN], data: f(d.queries) }],
    ["labels", { shape: [d.n], data: f(d.labels) }],
    ["rowWeight", { shape: [d.n, d.rows], data: d.rowWeight }],
    ["facts", { shape: [d.n, d.rows, 4], data: f(d.facts) }],
  ]);
}

export function readerDataFrom(t: TensorMap): ReaderData {
  const get = (k: string) => {
    const e = t.get(k);
    if (!e) throw new Error(`reader data is missing ${k}`);
    return e;
  };
  const mem = get("mem");
  return {
    n: mem.shape[0] as number,
    rows: mem.shape[1] as number,
    mem: mem.data,
    queries: Int32Array.from(get("queries").data),
    labels: Int32Array.from(get("labels").data),
    rowWeight: get("rowWeight").data,
    facts: Int32Array.from(get("facts").data),
  };
}
