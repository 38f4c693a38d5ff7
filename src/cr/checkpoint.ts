// The shipped model file: base weights ("p.*") and stage-B adapters ("ad.*") in one safetensors file,
// with the config, LoRA rank/sites and retrieval settings in the metadata.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  GENERATION_MODES,
  type GenerationMode,
  LORA_SITES,
  type LoraSite,
  type ModelConfig,
  ModelConfigSchema,
} from "./config.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import { initAdapters, initBase } from "./params.ts";
import type { ScoreOptions } from "./scoring.ts";
import { initReader, type ReaderParams } from "./reader.ts";
import { treeFromHost, treeToHost } from "./tree-io.ts";
import { loadSafetensors, saveSafetensors, type TensorMap } from "./weights.ts";

/** Default location of the trained checkpoint shipped in the repo. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL("./weights/cr-small.safetensors", import.meta.url));

/** A loaded model: config, frozen base, adapters. */
export interface CrModel {
  cfg: ModelConfig;
  base: BaseParams;
  ad: AdapterParams;
  rank: number;
  sites: LoraSite[];
  meta: Record<string, string>;
  /** How the retriever reads scores (the stage-B shape's `score`, saved in the metadata). */
  score: ScoreOptions;
  /** The generation mode the file declares (metadata `generation`; files without it predate "raw": "embed"). */
  generation: GenerationMode;
  /** The reader adapter (`rd.*` tensors, metadata `reader`) that reads injected vectors; absent in older files. */
  reader?: ReaderParams;
}

const ScoreSchema = z
  .object({
    center: z.boolean().optional(),
    mode: z.enum(["prob", "logit"]).optional(),
    beta: z.number().optional(),
    head: z.number().int().optional(),
    mean: z.array(z.number()).optional(),
    batchMean: z.boolean().optional(),
  })
  .strict();

/** The scoring options recorded in a model's metadata (`{}` for older files). */
export function scoreOptionsOf(meta: Record<string, string>): ScoreOptions {
  const shape = JSON.parse(meta.shape ?? "{}") as { score?: unknown };
  return ScoreSchema.parse(shape.score ?? {});
}

const SitesSchema = z.array(z.enum(LORA_SITES));

const ReaderMetaSchema = z.object({ rank: z.number().int().min(1), sites: z.string() });

function loadReader(cfg: ModelConfig, tensors: TensorMap, meta: Record<string, string>): ReaderParams {
  const how = ReaderMetaSchema.parse(JSON.parse(meta.reader ?? "null"));
  const sites = SitesSchema.parse(how.sites.split(","));
  return treeFromHost(initReader(cfg, how.rank, sites), tensors, "rd");
}

/** Writes base + adapters to `path`. */
export async function saveModel(
  path: string,
  m: Omit<CrModel, "meta" | "score" | "generation" | "reader">,
  meta: Record<string, string> = {},
): Promise<void> {
  const t = await treeToHost(m.base, "p");
  await treeToHost(m.ad, "ad", t);
  saveSafetensors(path, t, {
    ...meta,
    config: JSON.stringify(m.cfg),
    rank: String(m.rank),
    sites: m.sites.join(","),
  });
}

/** Reads a model written by saveModel; throws a message naming the fix when the file is missing. */
export function loadModel(path = DEFAULT_MODEL_PATH): CrModel {
  if (!existsSync(path))
    throw new Error(`no compressor-retriever checkpoint at ${path}: run \`lmos cr train\` first`);
  const { tensors, meta } = loadSafetensors(path);
  const cfg = ModelConfigSchema.parse(JSON.parse(meta.config ?? "null"));
  const rank = Number(meta.rank ?? 8);
  const sites = SitesSchema.parse((meta.sites ?? LORA_SITES.join(",")).split(","));
  const base = treeFromHost(initBase(cfg), tensors, "p");
  const ad = treeFromHost(initAdapters(cfg, rank, sites), tensors, "ad");
  const generation = z.enum(GENERATION_MODES).parse(meta.generation ?? "embed");
  const reader = tensors.has("rd.proj") ? loadReader(cfg, tensors, meta) : undefined;
  return {
    cfg,
    base,
    ad,
    rank,
    sites,
    meta,
    score: scoreOptionsOf(meta),
    generation,
    ...(reader ? { reader } : {}),
  };
}
