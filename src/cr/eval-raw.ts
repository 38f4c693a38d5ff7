// Accuracy of the base model with raw-token contexts (none / full / k-shot / given demos).
import { packBatch, sequenceFor } from "./batch.ts";
import { type GenerationMode, type ModelConfig, VOCAB } from "./config.ts";
import { tokenLogits } from "./lm-step.ts";
import type { BaseParams } from "./model.ts";
import type { Query } from "./task.ts";
import { read } from "./tensor/backend.ts";

/** Argmax over the 3 label tokens of a logits row. */
export function labelArgmax(lg: Float32Array, row: number, V: number): number {
  let best = VOCAB.LABEL0;
  for (let l = VOCAB.LABEL0; l < VOCAB.LABEL0 + VOCAB.nLabels; l++)
    if ((lg[row * V + l] as number) > (lg[row * V + best] as number)) best = l;
  return best;
}

/** For each item (demos shown + one query), whether the model's label is right; batched by `bs`. */
export async function rawCorrect(
  cfg: ModelConfig,
  p: BaseParams,
  items: Array<{ demos: number[][]; query: Query }>,
  bs = 64,
): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < items.length; i += bs) {
    const chunk = items.slice(i, i + bs);
    const seqs = chunk.map((it) => {
      const s = sequenceFor(it.demos, [it.query], false);
      return { ids: s.ids, at: s.at, labels: [it.query.label] };
    });
    const T = Math.max(...seqs.map((s) => s.ids.length));
    const b = packBatch(seqs, T);
    const lg = await read(tokenLogits(cfg, p, b.ids, b.mask, b.B, T));
    for (const t of b.targets) out.push(labelArgmax(lg, t.at, cfg.vocab) === t.label);
  }
  return out;
}

/** The accuracy fields of both settings. */
export interface AccuracyFields {
  /** Headline: the declared generation mode's accuracy (= acc_cr_raw or acc_cr_embed). */
  acc_cr: number;
  acc_cr_raw: number;
  acc_cr_embed: number;
  acc_random: number;
  acc_random_raw: number;
  acc_random_embed: number;
  generation_mode: GenerationMode;
}

/** The headline acc_cr / acc_random in the model's declared generation mode, with both modes always
 * reported beside it. */
export function accuracyFields(
  gen: GenerationMode,
  a: { crRaw: number; crEmbed: number; randomRaw: number; randomEmbed: number },
): AccuracyFields {
  return {
    acc_cr: gen === "raw" ? a.crRaw : a.crEmbed,
    acc_cr_raw: a.crRaw,
    acc_cr_embed: a.crEmbed,
    acc_random: gen === "raw" ? a.randomRaw : a.randomEmbed,
    acc_random_raw: a.randomRaw,
    acc_random_embed: a.randomEmbed,
    generation_mode: gen,
  };
}
