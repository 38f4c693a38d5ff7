// Search over document passages through the one ranker of lmos (memory/ranker.ts): BM25 and its
// refinements always (neighbouring chunks of a file among them), vectors fused in when the source was
// embedded with the embedder at hand.
import type { Embedder } from "../embed/types.ts";
import { passageCorpus, rankItems } from "../memory/index.ts";
import type { PassageRecord, StoreReader } from "../store/types.ts";

export interface ScoredSourcePassage {
  passage: PassageRecord;
  score: number;
}

/** Best passages of the given sources for `query`, best first. */
export async function searchSourcePassages(
  store: StoreReader,
  sourceIds: string[],
  query: string,
  options: { limit?: number; offset?: number; embedder?: Embedder | null; signal?: AbortSignal } = {},
): Promise<ScoredSourcePassage[]> {
  const limit = options.limit ?? 10;
  const offset = options.offset ?? 0;
  if (sourceIds.length === 0 || query.trim() === "") return [];
  const corpus = passageCorpus(store, { sourceIds }, query, options.embedder, options.signal);
  const ranked = (await rankItems(corpus, query, { depth: Math.max(100, (offset + limit) * 3) })).slice(
    offset,
    offset + limit,
  );
  await corpus.read(ranked.map((r) => r.id));
  return ranked.flatMap((r) => {
    const passage = corpus.records.get(r.id);
    return passage ? [{ passage, score: r.score }] : [];
  });
}
