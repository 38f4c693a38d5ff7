// Dev probe: held-out accuracy of a stage-A checkpoint by number of demos in context.
import { CONFIGS } from "../config.ts";
import { rawCorrect } from "../eval-raw.ts";
import { initBase } from "../params.ts";
import { makeEpisode } from "../task.ts";
import { initTensors } from "../tensor/backend.ts";
import { treeFromHost } from "../tree-io.ts";
import { loadSafetensors } from "../weights.ts";

await initTensors({ threads: 1 });
const cfg = CONFIGS.small;
const { tensors, meta } = loadSafetensors(process.argv[2] ?? "runs/cr/stage-a.safetensors");
const p = treeFromHost(initBase(cfg), tensors, "p");
const out: string[] = [`step ${meta.step}`];
for (const n of [0, 1, 2, 6]) {
  const items = Array.from({ length: 200 }, (_, s) => {
    const ep = makeEpisode(s, { nDemos: n });
    return { demos: ep.demos, query: ep.queries[0] as (typeof ep.queries)[number] };
  });
  const ok = await rawCorrect(cfg, p, items);
  out.push(`demos ${n}: ${(ok.filter(Boolean).length / ok.length).toFixed(3)}`);
}
console.log(out.join("  "));
process.exit(0);
