// Training progress lines (loss, tokens/s, ETA) and the learning-rate schedule.

/** Linear warm-up then cosine decay to 10 % of `lr`. */
export function cosineLr(step: number, total: number, lr: number, warmup: number): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const t = (step - warmup) / Math.max(1, total - warmup);
  return lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * Math.min(1, t))));
}

/** Smoothed loss and throughput; `tick` returns a line every `every` steps. */
export class Progress {
  #t0 = performance.now();
  #s0: number;
  #ema: Record<string, number> = {};
  constructor(
    private total: number,
    start: number,
    private tokensPerStep: number,
    private every = 10,
  ) {
    this.#s0 = start;
  }
  #tokens = 0;
  /** Records one step (`tokens` = token positions processed, default the constructor's per-step count). */
  tick(step: number, vals: Record<string, number>, tokens = this.tokensPerStep): string | null {
    this.#tokens += tokens;
    for (const [k, v] of Object.entries(vals))
      this.#ema[k] = k in this.#ema ? 0.9 * (this.#ema[k] as number) + 0.1 * v : v;
    if (step % this.every !== 0 && step !== this.total) return null;
    const dt = (performance.now() - this.#t0) / 1000;
    const done = step - this.#s0;
    const sps = done / dt;
    const eta = (this.total - step) / Math.max(sps, 1e-9);
    const fields = Object.entries(this.#ema)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join("  ");
    return `step ${step}/${this.total}  ${fields}  ${Math.round(this.#tokens / dt)} tok/s  ${(1000 / sps).toFixed(0)} ms/step  ETA ${fmt(eta)}`;
  }
}

function fmt(s: number): string {
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}
