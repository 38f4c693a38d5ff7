// Dev probe: retrieval scores and root-vector similarity for a few episodes (stage-B diagnosis).
import { CONFIGS, LORA_SITES } from "../config.ts";
import { scoreEpisodes } from "../eval-a.ts";
import { buildForest } from "../forest.ts";
import { initAdapters, initBase } from "../params.ts";
import { makeEpisode } from "../task.ts";
import { initTensors } from "../tensor/backend.ts";
import { loadAdapters } from "../train-b.ts";
import { treeFromHost } from "../tree-io.ts";
import { loadSafetensors } from "../weights.ts";

await initTensors({ threads: 1 });
const cfg = CONFIGS.small;
const base = treeFromHost(initBase(cfg), loadSafetensors("runs/cr/stage-a.final.safetensors").tensors, "p");
const ad =
  (process.argv[2] ? loadAdapters(cfg, process.argv[2], 8, LORA_SITES) : null) ??
  initAdapters(cfg, 8, LORA_SITES);
const eps = [0, 1, 2].map((s) => makeEpisode(s));
const res = await scoreEpisodes(cfg, base, ad, eps, 2);
for (const [i, r] of res.entries()) {
  console.log("scores", r.scores.map((x) => x.toFixed(4)).join(" "), "relevant", eps[i]?.relevant);
}
const db = await buildForest(cfg, base, ad, (eps[0] as (typeof eps)[0]).demos);
const roots = (db.levels[2] ?? []).map((id) => db.get(id).vec);
const cos = (a: Float32Array, b: Float32Array) => {
  let d = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return d / Math.sqrt(na * nb);
};
console.log(
  "root cos(0,1..5)",
  roots
    .slice(1)
    .map((r) => cos(roots[0] as Float32Array, r).toFixed(3))
    .join(" "),
  "norm",
  Math.sqrt((roots[0] as Float32Array).reduce((s, x) => s + x * x, 0)).toFixed(2),
);
const l1 = (db.levels[1] ?? []).slice(0, 4).map((id) => db.get(id).vec);
console.log(
  "l1 cos(0,1..3)",
  l1
    .slice(1)
    .map((r) => cos(l1[0] as Float32Array, r).toFixed(3))
    .join(" "),
);
process.exit(0);
