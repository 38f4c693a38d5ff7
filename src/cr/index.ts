// Public face of src/cr: the compressor-retriever (tensors, model, hierarchy, retrieval, training, eval).
export { DEFAULT_MODEL_PATH, loadModel, saveModel, type CrModel } from "./checkpoint.ts";
export { CONFIGS, LORA_SITES, type ModelConfig, VOCAB, tokenName } from "./config.ts";
export { evalSettingA, type SettingAResult } from "./eval-a.ts";
export { evalSettingB, type SettingBResult } from "./eval-b.ts";
export { evalGeneration, type GenerationResult } from "./eval-generation.ts";
export { buildForest } from "./forest.ts";
export { type Generation, generateWithRetrieval, type RetrievalTiming } from "./generate.ts";
export { inspectEpisode } from "./inspect.ts";
export { MemoryDb, type MemoryNode } from "./memory-db.ts";
export { DEFAULT_SHAPE, trainPipeline, type TrainPlan } from "./pipeline.ts";
export { RetrievalThread } from "./retrieval-thread.ts";
export { retrieve, type Retrieval } from "./retriever.ts";
export { nativeAvailable, nativeUnavailableReason } from "./native-step.ts";
export { STAGE_A_BACKENDS, type StageABackendName } from "./stage-a-backend.ts";
export { makeEpisode, makeLifelong } from "./task.ts";
export { initTensors } from "./tensor/backend.ts";
export {
  CompressedMemory,
  type CompressedMemoryExtension,
  CR_TIER,
  CR_TIER_FLAG,
  decodeNotation,
  encodeNotation,
  type MemoryText,
  type RetrievedSegment,
} from "./memory-tier.ts";
