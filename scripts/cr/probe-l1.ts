// Do the level-1 memory vectors carry what the reader needs? Linear (ridge) probes from a level-1 vector
// (one fact [T, K, label, =] per vector at k = 4) to its fact's tag, key and label, fitted on training
// seeds and scored on others. Usage: npx tsx scripts/cr/probe-l1.ts [model] [episodes]
import { loadModel } from "../../src/cr/checkpoint.ts";
import { VOCAB } from "../../src/cr/config.ts";
import { scoreEpisodes } from "../../src/cr/eval-a.ts";
import { makeEpisode } from "../../src/cr/task.ts";
import { initTensors } from "../../src/cr/tensor/backend.ts";

await initTensors({ threads: 1 });
const m = loadModel(process.argv[2] || undefined);
const n = Number(process.argv[3] ?? 400);
const rows: { v: Float32Array; tag: number; key: number; label: number }[] = [];
for (let s = 0; s < n; s += 100) {
  const eps = Array.from({ length: Math.min(100, n - s) }, (_, i) => makeEpisode(20_000_000 + s + i));
  const res = await scoreEpisodes(m.cfg, m.base, m.ad, eps, 2, m.score);
  res.forEach((r, e) => {
    r.blocks.forEach((bl, j) => {
      const demo = eps[e]?.demos[j] as number[];
      bl.forEach((v, a) => {
        rows.push({
          v,
          tag: (demo[a * 4] as number) - VOCAB.TAG0,
          key: (demo[a * 4 + 1] as number) - VOCAB.KEY0,
          label: (demo[a * 4 + 2] as number) - VOCAB.LABEL0,
        });
      });
    });
  });
}
const D = m.cfg.d + 1;
const feat = (v: Float32Array) => [...v, 1];
/** Ridge one-vs-all: W [D, c] from X, one-hot Y (normal equations, Gauss-Jordan). */
function ridge(xs: number[][], ys: number[], c: number, lam = 1e-2): number[][] {
  const A = Array.from({ length: D }, (_, i) => Array.from({ length: D + c }, (_, j) => (i === j ? lam : 0)));
  xs.forEach((x, r) => {
    for (let i = 0; i < D; i++) {
      const row = A[i] as number[];
      for (let j = 0; j < D; j++) row[j] = (row[j] as number) + (x[i] as number) * (x[j] as number);
      row[D + (ys[r] as number)] = (row[D + (ys[r] as number)] as number) + (x[i] as number);
    }
  });
  for (let i = 0; i < D; i++) {
    const piv = (A[i] as number[])[i] as number;
    for (let j = 0; j < D + c; j++) (A[i] as number[])[j] = ((A[i] as number[])[j] as number) / piv;
    for (let k = 0; k < D; k++) {
      if (k === i) continue;
      const f = (A[k] as number[])[i] as number;
      for (let j = 0; j < D + c; j++)
        (A[k] as number[])[j] = ((A[k] as number[])[j] as number) - f * ((A[i] as number[])[j] as number);
    }
  }
  return A.map((row) => row.slice(D));
}
function acc(W: number[][], xs: number[][], ys: number[]): number {
  let ok = 0;
  xs.forEach((x, r) => {
    const c = (W[0] as number[]).length;
    let best = 0;
    let bv = -Infinity;
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let i = 0; i < D; i++) s += (x[i] as number) * ((W[i] as number[])[k] as number);
      if (s > bv) {
        bv = s;
        best = k;
      }
    }
    if (best === ys[r]) ok++;
  });
  return ok / xs.length;
}
const X = rows.map((r) => feat(r.v));
const cut = Math.floor(X.length * 0.8);
for (const [name, c, get] of [
  ["tag", VOCAB.nTags, (r: (typeof rows)[number]) => r.tag],
  ["key", VOCAB.nKeys, (r: (typeof rows)[number]) => r.key],
  ["label", VOCAB.nLabels, (r: (typeof rows)[number]) => r.label],
  ["key×label", VOCAB.nKeys * 3, (r: (typeof rows)[number]) => r.key * 3 + r.label],
] as const) {
  const Y = rows.map(get);
  const W = ridge(X.slice(0, cut), Y.slice(0, cut), c);
  console.log(
    `${name}: train ${acc(W, X.slice(0, cut), Y.slice(0, cut)).toFixed(3)} held-out ${acc(W, X.slice(cut), Y.slice(cut)).toFixed(3)} (chance ${(1 / c).toFixed(3)}, ${X.length} vectors)`,
  );
}
const rms = Math.sqrt(
  rows.reduce((a, r) => a + r.v.reduce((b, x) => b + x * x, 0), 0) / rows.length / m.cfg.d,
);
console.log(`vector RMS ${rms.toFixed(3)}`);
