// Reciprocal rank fusion (Cormack, Clarke and Büttcher 2009): score(d) = Σ_lists w_list / (k + rank_d),
// rank from 1; every weight 1 unless given (weighted RRF, as Elasticsearch's and Vespa's hybrid search allow).
import type { RankedId } from "../store/types.ts";

/** Fuses ranked lists (best first) into one, best first; ties keep first-seen order. `weights[i]` scales
 * list i's share (default 1). */
export function reciprocalRankFusion(lists: RankedId[][], k = 60, weights: number[] = []): RankedId[] {
  const scores = new Map<string, number>();
  for (const [i, list] of lists.entries()) {
    const w = weights[i] ?? 1;
    const seen = new Set<string>();
    list.forEach((hit, rank) => {
      if (seen.has(hit.id)) return;
      seen.add(hit.id);
      scores.set(hit.id, (scores.get(hit.id) ?? 0) + w / (k + rank + 1));
    });
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
