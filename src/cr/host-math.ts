// Float32Array kernels of the plain-TS retrieval forward (host-forward.ts): RMSNorm, tanh-GELU (jax-js
// nn.gelu's default), RoPE in the halves layout of model.ts. (The matmuls run in host-wasm.ts.)

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
