// Teaches the shipped model when to retrieve: trains the `<call_retrieval>` row of the tied embedding
// (src/cr/call-retrieval.ts) on training seeds 3,000,000.. and writes it into the model file, every other
// tensor byte for byte as it was; prints the call rates on the held-out seeds 0..199.
// Usage: npx tsx scripts/cr/train-call.ts [model file] [episodes] [steps]
import { DEFAULT_MODEL_PATH, loadModel } from "../../src/cr/checkpoint.ts";
import { callExamples, callRates, queryHiddens, trainCallRow } from "../../src/cr/call-retrieval.ts";
import { VOCAB } from "../../src/cr/config.ts";
import { makeEpisode } from "../../src/cr/task.ts";
import { initTensors, read } from "../../src/cr/tensor/backend.ts";
import { loadSafetensors, saveSafetensors } from "../../src/cr/weights.ts";

const path = process.argv[2] ?? DEFAULT_MODEL_PATH;
const episodes = Number(process.argv[3] ?? 600);
const steps = Number(process.argv[4] ?? 1500);
await initTensors({ threads: 1 });
const m = loadModel(path);
const res = await trainCallRow(m, { episodes, steps });
const xs = Array.from({ length: 200 }, (_, i) => callExamples(makeEpisode(i), i)).flat();
const hs = await queryHiddens(m, xs);
const wte = await read(m.base.wte.ref);
const heldOut = callRates(wte, res.row, hs, xs, m.cfg.vocab);
const kinds = ["all6", "relevant2", "answer", "answer+others", "none", "others1-2", "others4"];
const perKind = Object.fromEntries(
  kinds.map((k, j) => {
    const idx = xs.map((_, i) => i).filter((i) => i % kinds.length === j);
    const r = callRates(
      wte,
      res.row,
      idx.map((i) => hs[i] as Float32Array),
      idx.map((i) => xs[i] as (typeof xs)[number]),
      m.cfg.vocab,
    );
    return [k, xs[idx[0] as number]?.call ? r.tpr : r.fpr];
  }),
);
const { tensors, meta } = loadSafetensors(path);
const t = tensors.get("p.wte");
if (!t) throw new Error("no p.wte in the model file");
t.data.set(res.row, VOCAB.CALL_RET * m.cfg.d);
const record = {
  episodes,
  seed0: 3_000_000,
  steps,
  examples: res.examples,
  train: res.train,
  heldOut,
  perKind,
};
saveSafetensors(path, tensors, { ...meta, call_retrieval: JSON.stringify(record) });
console.log(JSON.stringify(record, null, 1));
