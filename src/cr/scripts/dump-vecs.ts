// Dev: dump roots, level-1 vectors and RET vectors (with tags) for offline probing.
import { writeFileSync } from "node:fs";
import { loadModel } from "../checkpoint.ts";
import { fast, lend } from "../fast.ts";
import { initAdapters } from "../params.ts";
import { makeEpisode, Q_LEN } from "../task.ts";
import { initTensors, jx, read } from "../tensor/backend.ts";

await initTensors({ threads: 1 });
const m = loadModel(process.argv[2]);
const cfg = m.cfg;
const np = jx().numpy;
const ad = process.env.FRESH ? initAdapters(cfg, m.rank, m.sites) : m.ad;
const E = 200;
const eps = Array.from({ length: E }, (_, i) => makeEpisode(500 + i));
const f = fast(cfg);
const ids = np
  .array(Int32Array.from(eps.flatMap((e) => e.demos.flat())), { dtype: np.int32 })
  .reshape([E * 6, 16]);
const l1 = f.compressTokens(4)(lend(m.base), lend(ad), ids);
const roots = await read(f.compress(4)(lend(m.base), lend(ad), l1.ref));
const l1h = await read(l1);
const q = np
  .array(Int32Array.from(eps.flatMap((e) => e.queries[0]!.tokens)), { dtype: np.int32 })
  .reshape([E, Q_LEN]);
const rv = await read(f.retrieval(2)(lend(m.base), lend(ad), q));
const out = process.env.OUT ?? "/tmp/crdbg/vecs";
writeFileSync(`${out}.roots.bin`, roots);
writeFileSync(`${out}.l1.bin`, l1h);
writeFileSync(`${out}.ret.bin`, rv);
writeFileSync(
  `${out}.json`,
  JSON.stringify({
    d: cfg.d,
    tags: eps.flatMap((e) => e.demoTags),
    qtags: eps.map((e) => e.queries[0]!.tag),
    rel: eps.map((e) => e.relevant),
  }),
);
process.exit(0);
