// The reader adapter: what reads injected memory vectors (generation mode "embed"). A separate LoRA on
// the frozen base plus a D×D input map for the memory rows, trained on answer CE with the compressor
// and retriever frozen (train-reader.ts), so the vectors the retriever scores and the forest stores do
// not change. Files without a reader read memory through the stage-B LoRA (as before issue 17b).
import { passLayout } from "./compressor.ts";
import type { LoraSite, ModelConfig } from "./config.ts";
import { causalMask } from "./mask.ts";
import { type Arr, jx } from "./tensor/backend.ts";
import { type BaseParams, embedTokens, forward, type LoraLayer, logits } from "./model.ts";
import { initAdapters } from "./params.ts";

/** `proj` [D,D] maps each injected memory vector before it enters the model; `lora` is the reader's LoRA. */
export interface ReaderParams {
  proj: Arr;
  lora: LoraLayer[];
}

/** Fresh reader: proj = identity, LoRA B = 0, so it starts as the base model reading raw vectors. */
export function initReader(
  cfg: ModelConfig,
  rank: number,
  sites: readonly LoraSite[],
  seed = 3,
): ReaderParams {
  const np = jx().numpy;
  const { lora, mem, ret } = initAdapters(cfg, rank, sites, seed);
  mem.dispose();
  ret.dispose();
  return { proj: np.eye(cfg.d), lora };
}

/**
 * Logits [N,V] at the last query position of `[mem·proj ; query embeddings]` (causal, positions from 0),
 * through base + reader LoRA. mem [N,M,D] (consumed), queryIds [N,q] int (consumed); p, rd borrowed.
 */
export function readerLogits(
  cfg: ModelConfig,
  p: BaseParams,
  rd: ReaderParams,
  mem: Arr,
  queryIds: Arr,
): Arr {
  const np = jx().numpy;
  const [N, M, D] = mem.shape as [number, number, number];
  const q = (queryIds.shape as number[])[1] as number;
  const T = M + q;
  const x = np.concatenate(
    [np.matmul(mem.reshape([N * M, D]), rd.proj.ref).reshape([N, M, D]), embedTokens(cfg, p, queryIds)],
    1,
  );
  const lay = passLayout(
    cfg,
    N,
    Array.from({ length: T }, (_, i) => i),
    causalMask(T),
  );
  const { hidden } = forward(cfg, p, rd.lora, x, lay.rope, lay.mask);
  lay.rope.cos.dispose();
  lay.rope.sin.dispose();
  return logits(p, hidden.slice([], T - 1, []));
}

/** Mean answer CE of readerLogits against one-hot labels [N,V] (consumed). */
export function readerLoss(
  cfg: ModelConfig,
  p: BaseParams,
  rd: ReaderParams,
  mem: Arr,
  queryIds: Arr,
  labels: Arr,
): Arr {
  const { numpy: np, nn } = jx();
  const N = (mem.shape as number[])[0] as number;
  const lp = nn.logSoftmax(readerLogits(cfg, p, rd, mem, queryIds), -1);
  return np
    .sum(lp.mul(labels))
    .neg()
    .mul(1 / N);
}
