// The one ranker behind every search of lmos: conversation_search (recall), archival_memory_search, the
// file tools' search_files and the REST search routes. Lexical first — BM25 over an OR of the query's
// content words (the store's full-text index stems them), then pseudo-relevance feedback (a second BM25
// query of the words the best hits share), time (a question asking "when" favours texts that say when; a
// query naming a date span favours what was written in it), speakers named in the query, and each hit's
// neighbouring items in their conversation or document. With an embedder, the vector ranking is fused in
// by reciprocal rank fusion. What it searches is a `RankerCorpus` (corpora.ts: messages, passages).
import type { Neighbours, RankedId } from "../store/types.ts";
import { reciprocalRankFusion } from "./rrf.ts";
import { isStopWord, queryTerms, stemKey, words } from "./terms.ts";
import { asksForTime, namedTimeSpans, statesTime } from "./time-words.ts";

/** What the ranker reads of a candidate. */
export interface Candidate {
  text: string;
  /** ISO time the item was written (a message's or passage's createdAt). */
  createdAt: string;
  /** Who said it, when the item records a speaker apart from its text (a message's name). */
  speaker?: string | null;
}

/** A searchable collection under one filter: the store's BM25 and vector searches, reads, neighbours. */
export interface RankerCorpus {
  /** BM25 over the items (an OR of the words of `terms`), best first, scores higher-better. */
  lexical(terms: string, limit: number): Promise<RankedId[]>;
  /** The items with these ids (unknown ids left out). */
  read(ids: string[]): Promise<Map<string, Candidate>>;
  /** Each item's previous and next item in its own sequence, within the same filter. */
  neighbours?(ids: string[]): Promise<Neighbours[]>;
  /** Nearest items to the query's embedding, best first; absent when no embedder is configured. */
  vector?(limit: number): Promise<RankedId[]>;
}

/** The ranker's weights; the defaults are general settings (see BENCHMARKS.md), not fitted to a data set. */
export interface RankerSettings {
  /** Candidates drawn from each BM25 query. */
  depth: number;
  /** Feedback: how many of the best hits are read, how many words are taken, and their query's weight. */
  feedbackDocs: number;
  feedbackTerms: number;
  feedbackWeight: number;
  /** Whether feedback may bring in items the query's own words did not find (else it only re-ranks). */
  feedbackAdmits: boolean;
  /** Factor on texts that state a time when the question asks one. */
  timeBoost: number;
  /** Factor on items written within a date span the query names. */
  spanBoost: number;
  /** Exponent of a length prior, (words / mean words of the candidates)^x: BM25's length normalisation
   * (b = 0.75 in FTS5) is made for documents, and over-penalises the longer turns of a chat that carry the
   * facts; 0 turns it off. */
  lengthPrior: number;
  /** Factor on items whose recorded speaker the query names. */
  speakerBoost: number;
  /** How many of the best hits lend their neighbours score, and the share they lend. */
  neighbourHits: number;
  neighbourWeight: number;
  /** The share lent to the item after a hit that asks something ("…?"): in a conversation, its answer. */
  answerWeight: number;
  /** The vector ranking's weight in the fusion (the lexical ranking's is 1): the lexical side carries the
   * feedback, time, speaker and neighbour evidence, a small embedder's nearest texts add paraphrases. */
  vectorWeight: number;
}

export const DEFAULT_RANKER_SETTINGS: RankerSettings = {
  depth: 100,
  feedbackDocs: 3,
  feedbackTerms: 8,
  feedbackWeight: 0.3,
  feedbackAdmits: true,
  timeBoost: 1.5,
  spanBoost: 1.5,
  speakerBoost: 1.5,
  lengthPrior: 0.3,
  neighbourHits: 60,
  neighbourWeight: 0.4,
  answerWeight: 0.8,
  vectorWeight: 0.25,
};

/** Scores of a ranked list over its best score, so lists of different queries add up. */
function normalised(list: RankedId[]): Map<string, number> {
  const top = list[0]?.score ?? 0;
  return new Map(list.map((r) => [r.id, top > 0 ? r.score / top : 0]));
}

/** Feedback words: content words the best hits share, weighted by those hits' scores, leaving out the
 * query's own words and words most candidates have (names of the speakers, the topic of every turn). */
function feedbackTerms(
  query: string[],
  best: Array<{ text: string; weight: number }>,
  pool: Candidate[],
  count: number,
): string[] {
  const asked = new Set(query.map(stemKey));
  const spread = new Map<string, number>();
  for (const c of pool)
    for (const k of new Set(words(c.text).map(stemKey))) spread.set(k, (spread.get(k) ?? 0) + 1);
  const weight = new Map<string, { word: string; w: number; docs: number }>();
  for (const { text, weight: dw } of best) {
    const ws = words(text).filter((w) => w.length > 2 && !isStopWord(w) && !/^\d+$/.test(w));
    const seen = new Set<string>();
    for (const w of ws) {
      const k = stemKey(w);
      if (asked.has(k) || seen.has(k)) continue;
      seen.add(k);
      const e = weight.get(k) ?? { word: w, w: 0, docs: 0 };
      e.w += dw / Math.sqrt(ws.length);
      e.docs++;
      weight.set(k, e);
    }
  }
  const common = Math.max(3, pool.length * 0.2);
  return [...weight]
    .filter(([k]) => (spread.get(k) ?? 0) <= common)
    .map(([k, e]) => ({ word: e.word, w: e.w * Math.log(1 + pool.length / (spread.get(k) ?? 1)) }))
    .sort((a, b) => b.w - a.w)
    .slice(0, count)
    .map((e) => e.word);
}

/** Ranks the corpus for `query`, best first (every candidate found, scores higher-better). */
export async function rankItems(
  corpus: RankerCorpus,
  query: string,
  settings: Partial<RankerSettings> = {},
): Promise<RankedId[]> {
  const s = { ...DEFAULT_RANKER_SETTINGS, ...settings };
  const terms = queryTerms(query);
  if (terms.length === 0) return corpus.vector ? corpus.vector(s.depth) : [];
  const first = await corpus.lexical(terms.join(" "), s.depth);
  const scores = normalised(first);
  const read = await corpus.read(first.map((r) => r.id));
  const pool = [...read.values()];

  // Pseudo-relevance feedback: what the best hits share, searched once more at a lower weight.
  if (s.feedbackDocs > 0 && s.feedbackTerms > 0 && first.length > 1) {
    const best = first.slice(0, s.feedbackDocs).flatMap((r) => {
      const c = read.get(r.id);
      return c ? [{ text: c.text, weight: scores.get(r.id) ?? 0 }] : [];
    });
    const extra = feedbackTerms(terms, best, pool, s.feedbackTerms);
    if (extra.length > 0) {
      const second = await corpus.lexical(extra.join(" "), s.depth);
      for (const [id, v] of normalised(second)) {
        if (!read.has(id) && !s.feedbackAdmits) continue;
        scores.set(id, (scores.get(id) ?? 0) + s.feedbackWeight * v);
      }
    }
  }

  const admitted = [...scores.keys()].filter((id) => !read.has(id));
  for (const [id, c] of await corpus.read(admitted)) read.set(id, c);

  // Time and speakers: factors on what the candidates say and when they were written.
  const wantsTime = asksForTime(query);
  const newest = pool.reduce((t, c) => Math.max(t, Date.parse(c.createdAt) || 0), 0);
  const spans = newest > 0 ? namedTimeSpans(query, new Date(newest)) : [];
  const asked = new Set(terms.map(stemKey));
  const lengths = new Map([...read].map(([id, c]) => [id, Math.max(1, words(c.text).length)]));
  const meanLength = [...lengths.values()].reduce((a, b) => a + b, 0) / Math.max(1, lengths.size);
  for (const [id, c] of read) {
    let f = s.lengthPrior > 0 ? ((lengths.get(id) ?? 1) / meanLength) ** s.lengthPrior : 1;
    if (wantsTime && statesTime(c.text)) f *= s.timeBoost;
    if (spans.length > 0) {
      const t = Date.parse(c.createdAt);
      if (spans.some((span) => t >= span.start && t <= span.end)) f *= s.spanBoost;
    }
    if (c.speaker && words(c.speaker).some((w) => asked.has(stemKey(w)))) f *= s.speakerBoost;
    if (f !== 1) scores.set(id, (scores.get(id) ?? 0) * f);
  }

  // Neighbours: an item right before or after a strong hit shares some of its score (the question in the
  // turn before an answer, the rest of a story told over two turns, a paragraph cut across two chunks).
  if (corpus.neighbours && s.neighbourHits > 0 && s.neighbourWeight > 0) {
    const top = [...scores].sort((a, b) => b[1] - a[1]).slice(0, s.neighbourHits);
    const lent = new Map<string, number>();
    // A neighbour that shares no word with the query is brought in only beside a turn of a named speaker
    // (a transcript, where the answer to a question needn't repeat it); beside independent facts or
    // chunks, neighbours only lend to what the query found.
    for (const n of await corpus.neighbours(top.map(([id]) => id))) {
      const hit = scores.get(n.id) ?? 0;
      const c = read.get(n.id);
      const lend = (id: string | null, v: number) => {
        if (!id || (!scores.has(id) && !c?.speaker)) return;
        if (v > (lent.get(id) ?? 0)) lent.set(id, v);
      };
      lend(n.previous, s.neighbourWeight * hit);
      lend(
        n.next,
        (c?.text.includes("?") ? Math.max(s.answerWeight, s.neighbourWeight) : s.neighbourWeight) * hit,
      );
    }
    for (const [id, v] of lent) scores.set(id, (scores.get(id) ?? 0) + v);
  }

  const lexical = [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
  if (!corpus.vector) return lexical;
  return reciprocalRankFusion([lexical, await corpus.vector(s.depth)], 60, [1, s.vectorWeight]);
}
