// A starting point for the reader's input map, fitted in closed form: ridge regression from a level-1
// vector (one fact [T, K, label, =] at k = 4) to what the base model sees at that fact's label position
// in raw text — emb(label) + emb(K)·shift, the row its key→label lookup (token shift + attention) finds.
// Hand-written (a D×D normal-equation solve) because the stack has no linear-algebra library on the host.
import type { CrModel } from "./checkpoint.ts";
import { jx, read } from "./tensor/backend.ts";
import type { ReaderData } from "./train-reader.ts";

/** Solves (XᵀX + λI) P = XᵀY by Gauss-Jordan; X [n,D], Y [n,D] row-major. */
export function ridge(X: Float64Array, Y: Float64Array, n: number, D: number, lam: number): Float32Array {
  const W = 2 * D;
  const A = new Float64Array(D * W);
  for (let i = 0; i < D; i++) A[i * W + i] = lam;
  for (let r = 0; r < n; r++)
    for (let i = 0; i < D; i++) {
      const xi = X[r * D + i] as number;
      if (xi === 0) continue;
      for (let j = 0; j < D; j++) {
        A[i * W + j] = (A[i * W + j] as number) + xi * (X[r * D + j] as number);
        A[i * W + D + j] = (A[i * W + D + j] as number) + xi * (Y[r * D + j] as number);
      }
    }
  for (let i = 0; i < D; i++) {
    const piv = A[i * W + i] as number;
    for (let j = 0; j < W; j++) A[i * W + j] = (A[i * W + j] as number) / piv;
    for (let k = 0; k < D; k++) {
      if (k === i) continue;
      const f = A[k * W + i] as number;
      if (f === 0) continue;
      for (let j = 0; j < W; j++) A[k * W + j] = (A[k * W + j] as number) - f * (A[i * W + j] as number);
    }
  }
  const P = new Float32Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) P[i * D + j] = A[i * W + D + j] as number;
  return P;
}

/** The fitted input map [D,D] (host) from `data`'s rows (unscaled by their soft weights; rows weighted below 0.05 are left out). */
export async function fitProjection(
  m: CrModel,
  data: ReaderData,
  maxRows = 20_000,
  lam = 1,
): Promise<Float32Array> {
  const D = m.cfg.d;
  const wte = await read(m.base.wte.ref);
  const S = await read(m.base.shift.ref);
  const sq = Math.sqrt(D);
  const total = data.n * data.rows;
  const step = Math.max(1, Math.floor(total / maxRows));
  const rowsUsed: number[] = [];
  for (let row = 0; row < total && rowsUsed.length < maxRows; row += step)
    if ((data.rowWeight[row] as number) > 0.05) rowsUsed.push(row);
  const n = rowsUsed.length;
  const X = new Float64Array(n * D);
  const Y = new Float64Array(n * D);
  for (let r = 0; r < n; r++) {
    const row = rowsUsed[r] as number;
    const w = data.rowWeight[row] as number;
    for (let i = 0; i < D; i++) X[r * D + i] = (data.mem[row * D + i] as number) / w;
    const key = data.facts[row * 4 + 1] as number;
    const label = data.facts[row * 4 + 2] as number;
    for (let j = 0; j < D; j++) {
      let ks = 0;
      for (let i = 0; i < D; i++) ks += (wte[key * D + i] as number) * (S[i * D + j] as number);
      Y[r * D + j] = sq * ((wte[label * D + j] as number) + ks);
    }
  }
  return ridge(X, Y, n, D, lam);
}

/** Device copy of a host [D,D] map. */
export function projArray(P: Float32Array, D: number) {
  return jx().numpy.array(P).reshape([D, D]);
}
