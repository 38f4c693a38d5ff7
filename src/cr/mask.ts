// Attention masks as 0/1 bytes, row = query, column = key (spec §2.2).

/** Causal mask over T positions; positions >= `len` are padding (never attended; pad rows see only themselves). */
export function causalMask(T: number, len = T): Uint8Array {
  const m = new Uint8Array(T * T);
  for (let i = 0; i < T; i++) {
    if (i >= len) {
      m[i * T + i] = 1;
      continue;
    }
    for (let j = 0; j <= i; j++) m[i * T + j] = 1;
  }
  return m;
}

/**
 * Segmented compression mask for n content items followed by m = ceil(n/k) memory tokens: content rows
 * are causal; memory row a sees only its own segment [a·k, min((a+1)·k, n)) and itself. Total T = n+m
 * (or `T` with trailing padding rows/columns).
 */
export function segmentedMask(n: number, k: number, T = n + Math.ceil(n / k)): Uint8Array {
  const m = Math.ceil(n / k);
  const out = new Uint8Array(T * T);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[i * T + j] = 1;
  for (let a = 0; a < m; a++) {
    const row = (n + a) * T;
    for (let j = a * k; j < Math.min((a + 1) * k, n); j++) out[row + j] = 1;
    out[row + n + a] = 1;
  }
  for (let i = n + m; i < T; i++) out[i * T + i] = 1;
  return out;
}

/**
 * Retrieval scoring mask: `c` candidate nodes (each sees only itself, so scores do not depend on
 * their order) followed by `r` retrieval vectors (causal over everything before them).
 */
export function scoringMask(c: number, r: number): Uint8Array {
  const T = c + r;
  const out = new Uint8Array(T * T);
  for (let i = 0; i < c; i++) out[i * T + i] = 1;
  for (let i = c; i < T; i++) for (let j = 0; j <= i; j++) out[i * T + j] = 1;
  return out;
}

/** Repeats one T×T mask for B sequences (the [B,1,T,T] layout of the model). */
export function repeatMask(m: Uint8Array, B: number): Uint8Array {
  const out = new Uint8Array(B * m.length);
  for (let b = 0; b < B; b++) out.set(m, b * m.length);
  return out;
}
