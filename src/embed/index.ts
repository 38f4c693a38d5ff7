// The embed layer's public face: the Embedder contract and the factory that picks one.
export { createEmbedder, type Env } from "./create-embedder.ts";
export {
  createLocalEmbedder,
  LOCAL_EMBEDDING_DIMENSIONS,
  LOCAL_EMBEDDING_HANDLE,
} from "./local-embedder.ts";
export { createOpenAIEmbedder, EMBEDDING_BATCH_SIZE, type OpenAIEmbedderConfig } from "./openai-embedder.ts";
export type { Embedder } from "./types.ts";
