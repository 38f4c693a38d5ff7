// Scores of a ranking against gold evidence, as the LoCoMo bench reports them: recall@k (share of a
// question's gold turns in the top k, averaged over questions), MRR (1 / rank of the first gold turn, 0 if
// none ranked), hit@k, overall and per category; and latency percentiles.
import type { LocomoCategory, LocomoQuestion } from "./peer.ts";

/** Share of `gold` found among the first k of `ranked`. */
export function recallAt(ranked: string[], gold: string[], k: number): number {
  if (gold.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return gold.filter((g) => top.has(g)).length / gold.length;
}

/** 1 / rank of the first gold item (ranks from 1), 0 when none is ranked. */
export function reciprocalRank(ranked: string[], gold: string[]): number {
  const want = new Set(gold);
  const i = ranked.findIndex((id) => want.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

export interface Scores {
  questions: number;
  recall1: number;
  recall5: number;
  recall10: number;
  mrr: number;
  hit5: number;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Scores of rankings (one per question, dia_ids best first). */
export function score(questions: LocomoQuestion[], ranked: string[][]): Scores {
  const per = questions.map((q, i) => ({ r: ranked[i] ?? [], g: q.evidence }));
  return {
    questions: questions.length,
    recall1: mean(per.map(({ r, g }) => recallAt(r, g, 1))),
    recall5: mean(per.map(({ r, g }) => recallAt(r, g, 5))),
    recall10: mean(per.map(({ r, g }) => recallAt(r, g, 10))),
    mrr: mean(per.map(({ r, g }) => reciprocalRank(r, g))),
    hit5: mean(per.map(({ r, g }) => (recallAt(r, g, 5) > 0 ? 1 : 0))),
  };
}

/** Scores overall and for each category present. */
export function scoreByCategory(
  questions: LocomoQuestion[],
  ranked: string[][],
): { overall: Scores; byCategory: Partial<Record<LocomoCategory, Scores>> } {
  const byCategory: Partial<Record<LocomoCategory, Scores>> = {};
  for (const c of [1, 2, 3, 4] as LocomoCategory[]) {
    const idx = questions.flatMap((q, i) => (q.category === c ? [i] : []));
    if (idx.length > 0)
      byCategory[c] = score(
        idx.map((i) => questions[i]),
        idx.map((i) => ranked[i]),
      );
  }
  return { overall: score(questions, ranked), byCategory };
}

/** The p-th percentile (0–100) by nearest rank; 0 for no samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
