// Dev diagnosis of stage B: are roots / level-1 vectors separable by tag, what do the RET scores look like.
import { loadModel } from "../checkpoint.ts";
import { scoreEpisodes } from "../eval-a.ts";
import { fast, lend } from "../fast.ts";
import { initAdapters } from "../params.ts";
import { makeEpisode } from "../task.ts";
import { initTensors, jx, read } from "../tensor/backend.ts";

await initTensors({ threads: 1 });
const m = loadModel(process.argv[2]);
const cfg = m.cfg;
const np = jx().numpy;
const fresh = initAdapters(cfg, m.rank, m.sites);
const eps = Array.from({ length: 100 }, (_, i) => makeEpisode(500 + i));
const n = 6;
const d = cfg.d;
function nnAcc(vecs: Float32Array[], tags: number[], center: boolean) {
  const mean = new Float32Array(d);
  if (center) for (const v of vecs) for (let i = 0; i < d; i++) mean[i] += (v[i] as number) / vecs.length;
  const vs = vecs.map((v) => {
    const c = v.map((x, i) => x - (mean[i] as number));
    const nn = Math.sqrt(c.reduce((s, x) => s + x * x, 0));
    return c.map((x) => x / nn);
  });
  let ok = 0;
  let cosSame = 0,
    nSame = 0,
    cosDiff = 0,
    nDiff = 0;
  for (let i = 0; i < vs.length; i++) {
    let best = -2,
      bi = -1;
    for (let j = 0; j < vs.length; j++) {
      if (i === j) continue;
      let c = 0;
      for (let t = 0; t < d; t++) c += (vs[i] as Float32Array)[t]! * (vs[j] as Float32Array)[t]!;
      if (tags[i] === tags[j]) {
        cosSame += c;
        nSame++;
      } else {
        cosDiff += c;
        nDiff++;
      }
      if (c > best) {
        best = c;
        bi = j;
      }
    }
    if (tags[bi] === tags[i]) ok++;
  }
  return {
    nn: (ok / vs.length).toFixed(3),
    cosSame: (cosSame / nSame).toFixed(4),
    cosDiff: (cosDiff / nDiff).toFixed(4),
  };
}
for (const [name, ad] of [
  ["fresh", fresh],
  ["trained", m.ad],
] as const) {
  const ids = np
    .array(Int32Array.from(eps.slice(0, 60).flatMap((e) => e.demos.flat())), { dtype: np.int32 })
    .reshape([60 * n, 16]);
  const f = fast(cfg);
  const l1 = f.compressTokens(4)(lend(m.base), lend(ad), ids);
  const roots = await read(f.compress(4)(lend(m.base), lend(ad), l1.ref));
  const l1h = await read(l1);
  const tags = eps.slice(0, 60).flatMap((e) => e.demoTags);
  const rv = Array.from({ length: 60 * n }, (_, i) => roots.slice(i * d, (i + 1) * d));
  const l1v = Array.from({ length: 60 * n }, (_, i) => l1h.slice(i * 4 * d, i * 4 * d + d));
  console.log(name, "roots", nnAcc(rv, tags, false), "centered", nnAcc(rv, tags, true));
  console.log(name, "l1[0]", nnAcc(l1v, tags, false), "centered", nnAcc(l1v, tags, true));
  const res = await scoreEpisodes(cfg, m.base, ad, eps.slice(0, 5), 2);
  for (const [i, r] of res.entries())
    console.log(
      name,
      "scores",
      r.scores.map((x) => x.toFixed(4)).join(" "),
      "sum",
      r.scores.reduce((a, b) => a + b, 0).toFixed(3),
      "rel",
      eps[i]?.relevant,
    );
}
process.exit(0);
