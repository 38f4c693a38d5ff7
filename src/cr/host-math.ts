// Float32Array kernels of the plain-TS retrieval forward (host-forward.ts): transposed mat-vec, RMSNorm,
// tanh-GELU (jax-js nn.gelu's default), RoPE in the halves layout of model.ts.

/** Wᵀ of a row-major [I,O] matrix. */
export function transpose(w: Float32Array, I: number, O: number): Float32Array {
  const t = new Float32Array(I * O);
  for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) t[o * I + i] = w[i * O + o] as number;
  return t;
}

/** y[T,O] += x[T,I]·W where wT = Wᵀ [O][I]. */
export function mmAdd(
  x: Float32Array,
  T: number,
  I: number,
  wT: Float32Array,
  O: number,
  y: Float32Array,
): void {
  const I4 = I - (I % 4);
  for (let t = 0; t < T; t++) {
    const xo = t * I;
    const yo = t * O;
    for (let o = 0; o < O; o++) {
      const wo = o * I;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i < I4; i += 4) {
        s0 += (x[xo + i] as number) * (wT[wo + i] as number);
        s1 += (x[xo + i + 1] as number) * (wT[wo + i + 1] as number);
        s2 += (x[xo + i + 2] as number) * (wT[wo + i + 2] as number);
        s3 += (x[xo + i + 3] as number) * (wT[wo + i + 3] as number);
      }
      for (; i < I; i++) s0 += (x[xo + i] as number) * (wT[wo + i] as number);
      y[yo + o] = (y[yo + o] as number) + s0 + s1 + s2 + s3;
    }
  }
}

/** Per-row RMSNorm with gain g (eps 1e-5, as model.ts). */
export function rms(x: Float32Array, T: number, D: number, g: Float32Array): Float32Array {
  const y = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let i = 0; i < D; i++) s += (x[t * D + i] as number) ** 2;
    const r = 1 / Math.sqrt(s / D + 1e-5);
    for (let i = 0; i < D; i++) y[t * D + i] = (x[t * D + i] as number) * r * (g[i] as number);
  }
  return y;
}

/** tanh-approximate GELU (jax-js nn.gelu default). */
export function gelu(x: Float32Array): Float32Array {
  const c = Math.sqrt(2 / Math.PI);
  return x.map((v) => 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v))));
}

/** Rotates one head vector (dh values at `off`) in place for position `pos` (RoPE, halves layout). */
export function rope(v: Float32Array, off: number, dh: number, pos: number): void {
  const half = dh / 2;
  for (let j = 0; j < half; j++) {
    const ang = pos * 10000 ** (-(2 * j) / dh);
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    const x1 = v[off + j] as number;
    const x2 = v[off + half + j] as number;
    v[off + j] = x1 * c - x2 * s;
    v[off + half + j] = x1 * s + x2 * c;
  }
}
