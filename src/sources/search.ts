// Hybrid search over document passages: BM25 always, vectors when the source was embedded with the
// embedder at hand, fused by reciprocal rank fusion (k = 60, as in Cormack et al. 2009).
import type { Embedder } from "../embed/types.ts";
import type { PassageRecord, RankedId, StoreReader } from "../store/types.ts";

export interface ScoredSourcePassage {
  passage: PassageRecord;
  score: number;
}

const RRF_K = 60;

function fuse(lists: RankedId[][]): RankedId[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    for (const [rank, hit] of list.entries()) {
      scores.set(hit.id, (scores.get(hit.id) ?? 0) + 1 / (RRF_K + rank + 1));
    }
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
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
  const depth = (offset + limit) * 3;
  const filter = { sourceIds };
  const lists: RankedId[][] = [await store.searchPassagesLexical(filter, { query, limit: depth })];
  if (options.embedder) {
    const [vector] = await options.embedder.embed([query], { signal: options.signal });
    lists.push(await store.searchPassagesVector(filter, vector, depth));
  }
  const ranked = (lists.length === 1 ? lists[0] : fuse(lists)).slice(offset, offset + limit);
  const passages = new Map((await store.getPassages(ranked.map((r) => r.id))).map((p) => [p.id, p]));
  return ranked.flatMap((r) => {
    const passage = passages.get(r.id);
    return passage ? [{ passage, score: r.score }] : [];
  });
}
