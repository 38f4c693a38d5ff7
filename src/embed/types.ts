// The Embedder contract. `none` (lexical only) is the default and is represented by `null`,
// not by an embedder that returns nothing.

export interface Embedder {
  /** Handle, e.g. "openai/text-embedding-3-small". */
  readonly handle: string;
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}
