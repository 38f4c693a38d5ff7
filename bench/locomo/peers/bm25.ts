// The floor: a textbook Okapi BM25 (Robertson and Zaragoza 2009; k1 = 1.2, b = 0.75, idf =
// ln(1 + (N - n + 0.5) / (n + 0.5))) over each turn's text as raw tokens — lower-cased, split on whitespace,
// punctuation trimmed from the ends — with no stemming and no stop-word list.
import { type LocomoPeer, turnText } from "../peer.ts";

const K1 = 1.2;
const B = 0.75;

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter(Boolean);
}

/** A BM25 index over documents given once. */
export class Bm25Index {
  private readonly docs: Array<Map<string, number>> = [];
  private readonly lengths: number[] = [];
  private readonly df = new Map<string, number>();
  private avgdl = 0;

  constructor(texts: string[]) {
    for (const text of texts) {
      const tf = new Map<string, number>();
      const ts = tokens(text);
      for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      this.docs.push(tf);
      this.lengths.push(ts.length);
    }
    this.avgdl = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
  }

  /** Document indexes, best first, with a positive score. */
  search(query: string, limit: number): number[] {
    const n = this.docs.length;
    const terms = [...new Set(tokens(query))];
    const scored: Array<[number, number]> = [];
    this.docs.forEach((tf, i) => {
      let s = 0;
      for (const t of terms) {
        const f = tf.get(t);
        if (!f) continue;
        const df = this.df.get(t) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        s += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * this.lengths[i]) / this.avgdl));
      }
      if (s > 0) scored.push([i, s]);
    });
    return scored
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([i]) => i);
  }
}

const peer: LocomoPeer = {
  name: "bm25 (plain)",
  embedder: "none",
  async run(conv, questions) {
    const turns = conv.sessions.flatMap((s) => s.turns);
    const index = new Bm25Index(turns.map(turnText));
    const ranked: string[][] = [];
    const latenciesMs: number[] = [];
    for (const q of questions) {
      const t0 = performance.now();
      ranked.push(index.search(q.question, 10).map((i) => turns[i].diaId));
      latenciesMs.push(performance.now() - t0);
    }
    return { ranked, latenciesMs };
  },
};
export default peer;
