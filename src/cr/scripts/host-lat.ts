// Dev: host retrieval latency over a 64-demo store with fixed-mean centering (per-node K/V cache).
// Usage: npx tsx src/cr/scripts/host-lat.ts [model]
import { loadModel } from "../checkpoint.ts";
import { median } from "../eval-b.ts";
import { buildForest } from "../forest.ts";
import { HostScorer, hostRetrievalVectors, hostWeights } from "../host-forward.ts";
import { retrieveHost } from "../retriever.ts";
import { rootMean } from "../root-mean.ts";
import { makeLifelong } from "../task.ts";
import { initTensors } from "../tensor/backend.ts";

await initTensors({ threads: 1 });
const m = loadModel(process.argv[2] || undefined);
const mean = m.score.mean ?? (await rootMean(m.cfg, m.base, m.ad, 50));
const score = { ...m.score, center: true, mean };
const store = makeLifelong(77, 64, 40);
const db = await buildForest(m.cfg, m.base, m.ad, store.demos, { upper: true });
const scorer = new HostScorer(await hostWeights(m.cfg, m.base, m.ad));
for (const l of db.levels) for (const id of l ?? []) scorer.node(db.get(id).vec, score);
const ro = { C: 2, nR: 2, targetLevel: 2, tau: 0.1, score };
for (let rep = 0; rep < 3; rep++) {
  const lat: number[] = [];
  const rv: number[] = [];
  for (const q of store.queries) {
    const t0 = performance.now();
    await retrieveHost(scorer, db, q.tokens, ro);
    lat.push(performance.now() - t0);
    const t1 = performance.now();
    hostRetrievalVectors(scorer.w, q.tokens, 2);
    rv.push(performance.now() - t1);
  }
  console.log(
    `retrieval p50 ${median(lat).toFixed(2)} ms (RET vectors alone ${median(rv).toFixed(2)} ms), levels ${db.topLevel}`,
  );
}
process.exit(0);
