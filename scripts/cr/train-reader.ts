// Trains the reader adapter of the shipped model (src/cr/train-reader.ts) and writes it into a model
// file (`rd.*` tensors, metadata `reader`); every other tensor is kept as it was, so retrieval and the
// raw-mode figures do not change. Prints held-out reader accuracy (seeds 0..HELD-1, first query) at each
// checkpoint. Resumable (CKPT). Usage:
//   EPISODES=6000 STEPS=1500 BATCH=256 LR=3e-3 RANK=8 npx tsx scripts/cr/train-reader.ts [model] [out]
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_MODEL_PATH, loadModel } from "../../src/cr/checkpoint.ts";
import { LORA_SITES } from "../../src/cr/config.ts";
import { initTensors } from "../../src/cr/tensor/backend.ts";
import { initReader, type ReaderParams } from "../../src/cr/reader.ts";
import { fitProjection, projArray } from "../../src/cr/reader-init.ts";
import {
  type ReaderData,
  readerAccuracy,
  readerData,
  readerDataFrom,
  readerDataTensors,
  trainReader,
} from "../../src/cr/train-reader.ts";
import { treeToHost } from "../../src/cr/tree-io.ts";
import { loadSafetensors, saveSafetensors } from "../../src/cr/weights.ts";

const env = (k: string, d: number) => Number(process.env[k] ?? d);
const model = process.argv[2] || DEFAULT_MODEL_PATH;
const out = process.argv[3] || "runs/cr/model-reader.safetensors";
await initTensors({ threads: env("TH", 1) });
const m = loadModel(model);
const shape = JSON.parse(m.meta.shape ?? "{}") as { nR?: number; tau?: number; C?: number };
const R = { C: shape.C ?? 2, nR: shape.nR ?? 2, tau: shape.tau ?? 0.1 };
const o = {
  episodes: env("EPISODES", 6000),
  steps: env("STEPS", 1500),
  batch: env("BATCH", 256),
  lr: env("LR", 3e-3),
  rank: env("RANK", 8),
  held: env("HELD", 200),
};
const seed0 = 30_000_000;
let t0 = performance.now();
/** Builds reader data, or reads it from a cache file (the compressor and retriever are frozen). */
const cached = async (path: string, make: () => Promise<ReaderData>) => {
  if (existsSync(path)) return readerDataFrom(loadSafetensors(path).tensors);
  const d = await make();
  saveSafetensors(path, readerDataTensors(d), {});
  return d;
};
const cache = process.env.DATA ?? "runs/cr/reader-data";
mkdirSync(cache, { recursive: true });
const data = await cached(join(cache, `train-${seed0}-${o.episodes}.safetensors`), () =>
  readerData(m, { seed0, episodes: o.episodes, ...R }),
);
const held = await cached(join(cache, `held-0-${o.held}.safetensors`), () =>
  readerData(m, { seed0: 0, episodes: o.held, ...R, firstOnly: true }),
);
console.log(
  `data: ${data.n} training examples (seeds ${seed0}..), ${held.n} held-out, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
t0 = performance.now();
let init: ReaderParams | undefined;
if (process.env.INIT === "fit") {
  init = initReader(m.cfg, o.rank, LORA_SITES);
  init.proj.dispose();
  init.proj = projArray(await fitProjection(m, data), m.cfg.d);
  console.log(
    `fitted input map: held-out reader accuracy ${(await readerAccuracy(m, init, held)).toFixed(3)} before training`,
  );
}
const rd = await trainReader({
  ...(init ? { init } : {}),
  m,
  data,
  rank: o.rank,
  sites: LORA_SITES,
  steps: o.steps,
  batch: o.batch,
  lr: o.lr,
  warmup: 50,
  ckpt: process.env.CKPT ?? "runs/cr/reader.safetensors",
  every: env("EVERY", 100),
  onCheckpoint: async (k, r) => {
    console.log(`step ${k}: held-out reader accuracy ${(await readerAccuracy(m, r, held)).toFixed(3)}`);
  },
});
const { tensors, meta } = loadSafetensors(model);
await treeToHost(rd, "rd", tensors);
const how = {
  ...o,
  sites: LORA_SITES.join(","),
  train_seeds: `${seed0}..${seed0 + o.episodes - 1}`,
  loss: "answer CE, retrieved (top-C, soft-weighted) level-1 vectors injected; base, compressor, retriever frozen",
  init: process.env.INIT === "fit" ? "input map fitted by ridge to emb(label) + emb(K)·shift" : "identity",
  minutes: +((performance.now() - t0) / 60000).toFixed(1),
};
saveSafetensors(out, tensors, { ...meta, generation: meta.generation ?? "raw", reader: JSON.stringify(how) });
console.log(`wrote ${out}`);
