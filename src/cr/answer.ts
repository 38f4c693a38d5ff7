// Answering a query from retrieved memory: mode "embed" prepends the retrieved level-1 vectors (each
// scaled by its soft top-C weight) to the query embeddings and runs the base with the reader adapter
// (reader.ts; base + stage-B LoRA in files without one); the raw mode gives the retrieved chunks' tokens
// to the base model (eval-raw.ts).
import { passLayout } from "./compressor.ts";
import type { ModelConfig } from "./config.ts";
import { labelArgmax } from "./eval-raw.ts";
import { causalMask } from "./mask.ts";
import { fast, lend } from "./fast.ts";
import { type AdapterParams, type BaseParams, embedTokens } from "./model.ts";
import type { ReaderParams } from "./reader.ts";
import { topC } from "./retriever.ts";
import { jx, read } from "./tensor/backend.ts";

/** One query with the memory vectors to prepend (all items of a call must have equal counts). */
export interface EmbedItem {
  memory: Float32Array[];
  query: number[];
}

/**
 * Predicted label token per item (batched forward). With a reader (reader.ts) the memory rows go through
 * its input map and LoRA; without one, through the stage-B LoRA (`ad.lora`).
 */
export async function answerWithMemory(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  items: EmbedItem[],
  reader?: ReaderParams,
): Promise<number[]> {
  const np = jx().numpy;
  const N = items.length;
  if (N === 0) return [];
  const m = (items[0] as EmbedItem).memory.length;
  const q = (items[0] as EmbedItem).query.length;
  const T = m + q;
  const mem = new Float32Array(N * m * cfg.d);
  items.forEach((it, i) => {
    if (it.memory.length !== m || it.query.length !== q)
      throw new Error("answerWithMemory: items differ in shape");
    it.memory.forEach((v, j) => {
      mem.set(v, (i * m + j) * cfg.d);
    });
  });
  const ids = np.array(Int32Array.from(items.flatMap((it) => it.query)), { dtype: np.int32 }).reshape([N, q]);
  if (reader) {
    const lg = await read(fast(cfg).reader(lend(p), lend(reader), np.array(mem).reshape([N, m, cfg.d]), ids));
    return items.map((_, i) => labelArgmax(lg, i, cfg.vocab));
  }
  const parts = [embedTokens(cfg, p, ids)];
  if (m > 0) parts.unshift(np.array(mem).reshape([N, m, cfg.d]));
  const x = parts.length > 1 ? np.concatenate(parts, 1) : (parts[0] as ReturnType<typeof embedTokens>);
  const lay = passLayout(
    cfg,
    N,
    Array.from({ length: T }, (_, i) => i),
    causalMask(T),
  );
  const lg = await read(fast(cfg).logits(lend(p), lend(ad.lora), x, lay.rope.cos, lay.rope.sin, lay.mask));
  return items.map((_, i) => labelArgmax(lg, i * T + T - 1, cfg.vocab));
}

/**
 * The retriever's top-C picks of one query (score order) and their soft weights, as generation uses
 * them: softmax((score − best) / tau) × C.
 */
export function softPicks(scores: number[], C: number, tau: number): { top: number[]; weights: number[] } {
  const top = topC(scores, C);
  const best = scores[top[0] as number] as number;
  const ex = top.map((t) => Math.exp(((scores[t] as number) - best) / tau));
  const z = ex.reduce((a, b) => a + b, 0);
  return { top, weights: ex.map((x) => (x / z) * C) };
}

/** Scales a vector (soft top-C weight). */
export function scaled(v: Float32Array, w: number): Float32Array {
  return v.map((x) => x * w);
}
