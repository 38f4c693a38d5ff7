// Model sizes and the vocabulary of the miniature experiment (spec §7.1, §7.2).
import { z } from "zod";

/** Shape of the transformer. */
export const ModelConfigSchema = z.object({
  layers: z.number().int().min(1),
  d: z.number().int().min(4),
  heads: z.number().int().min(1),
  ff: z.number().int().min(4),
  vocab: z.number().int().min(8),
  maxPos: z.number().int().min(8),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** nano: unit tests; micro: CI-scale; small: the headline run (4 layers, d 64). */
export const CONFIGS: Record<"nano" | "micro" | "small", ModelConfig> = {
  nano: { layers: 1, d: 16, heads: 2, ff: 64, vocab: 48, maxPos: 512 },
  micro: { layers: 3, d: 32, heads: 4, ff: 128, vocab: 48, maxPos: 512 },
  small: { layers: 4, d: 64, heads: 4, ff: 256, vocab: 48, maxPos: 512 },
};

/**
 * What the generator reads after retrieval (the issue allows both): "raw" = the retrieved demos' raw
 * segments (level-0 tokens) given to the base model; "embed" = their level-1 memory vectors, scaled by
 * the soft top-C weights, injected as input embeddings and read by base + LoRA.
 */
export const GENERATION_MODES = ["raw", "embed"] as const;
export type GenerationMode = (typeof GENERATION_MODES)[number];

/** Where LoRA adapters sit (any subset). */
export const LORA_SITES = ["qkv", "o", "up", "down"] as const;
export type LoraSite = (typeof LORA_SITES)[number];

/** Token ids of the synthetic tagged key→label task. */
export const VOCAB = {
  PAD: 0,
  BOS: 1,
  EQ: 2,
  SEMI: 3,
  TAG0: 4, // 8 tags T0..T7
  KEY0: 12, // 24 keys K0..K23
  LABEL0: 36, // 3 labels A C U
  CALL_RET: 39,
  nTags: 8,
  nKeys: 24,
  nLabels: 3,
} as const;

/** Printable name of a token id. */
export function tokenName(id: number): string {
  if (id === VOCAB.PAD) return "<pad>";
  if (id === VOCAB.BOS) return "<bos>";
  if (id === VOCAB.EQ) return "=";
  if (id === VOCAB.SEMI) return ";";
  if (id === VOCAB.CALL_RET) return "<call_retrieval>";
  if (id >= VOCAB.TAG0 && id < VOCAB.KEY0) return `T${id - VOCAB.TAG0}`;
  if (id >= VOCAB.KEY0 && id < VOCAB.LABEL0) return `K${id - VOCAB.KEY0}`;
  if (id >= VOCAB.LABEL0 && id < VOCAB.LABEL0 + 3) return "ACU"[id - VOCAB.LABEL0] ?? "?";
  return `#${id}`;
}
