// Reciprocal rank fusion (Cormack, Clarke and Büttcher 2009): score(d) = Σ_lists 1 / (k + rank_d), rank from 1.
import type { RankedId } from "../store/types.ts";

/** Fuses ranked lists (best first) into one, best first; ties keep first-seen order. */
export function reciprocalRankFusion(lists: RankedId[][], k = 60): RankedId[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    const seen = new Set<string>();
    list.forEach((hit, rank) => {
      if (seen.has(hit.id)) return;
      seen.add(hit.id);
      scores.set(hit.id, (scores.get(hit.id) ?? 0) + 1 / (k + rank + 1));
    });
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
