// Conformance of lexical ranking: every store orders a made-up corpus as the SQLite store's FTS5 bm25()
// does — the same ids in the same order with the same scores, under filters and paging — so that the
// shared ranker (src/memory) ranks alike on every store (issue 15). The reference is a SQLite store
// opened beside the store under test and given the same records.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../sqlite/open.ts";
import type {
  AgentStore,
  LexicalQuery,
  MessageStore,
  PassageFilter,
  PassageStore,
  RankedId,
} from "../types.ts";
import { agent, at, message, type Part, passage, useStore } from "./fixtures.testkit.ts";

type Ranked = Part<AgentStore & MessageStore & PassageStore>;

// A small deterministic corpus: texts of different lengths over a shared vocabulary, with inflections
// (walk, walked, walking), repeated words, possessives, accents and texts of equal length (score ties).
const WORDS = [
  "walk",
  "walked",
  "walking",
  "garden",
  "gardens",
  "river",
  "bakery",
  "baked",
  "bread",
  "sister",
  "Zoë",
  "café",
  "painting",
  "painted",
  "market",
  "sunday",
  "mountain",
  "hiking",
  "hiked",
  "guitar",
];
const FILLER = ["the", "and", "we", "a", "to", "of", "it", "was", "my", "her"];

function corpusText(i: number): string {
  const n = 3 + ((i * 7) % 11);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const w = (i * 13 + k * k * 5 + k) % (k % 3 === 0 ? FILLER.length : WORDS.length);
    out.push(k % 3 === 0 ? FILLER[w] : WORDS[w]);
  }
  if (i % 5 === 0) out.push("Zoë's", "walking", "walking");
  return `${out.join(" ")}.`;
}

const QUERIES = [
  "walking in the garden",
  "Where did Zoë walk on Sunday?",
  "baked bread at the bakery café",
  "hiking hiked mountain",
  "guitar",
  "painting painted paintings market river sister",
];

const strip = (hits: RankedId[]) => hits.map((h) => ({ id: h.id, score: Number(h.score.toPrecision(12)) }));

/** Lexical ranking equal to FTS5's. */
export function rankingSuite(open: () => Promise<Ranked>): void {
  const store = useStore(open);
  let dir = "";
  let reference: Ranked;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "lmos-ranking-"));
    reference = await openSqliteStore(join(dir, "reference.db"));
  });
  afterEach(async () => {
    await reference.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Gives both stores the same agents, messages and passages (another agent's rows count in the
   * document frequencies, as they do in FTS5's). */
  async function load(): Promise<{ mine: string; other: string }> {
    const mine = agent({ name: "mine" });
    const other = agent({ name: "other" });
    const messages = Array.from({ length: 80 }, (_, i) =>
      message(mine.id, corpusText(i), { createdAt: at(i) }),
    );
    const theirs = Array.from({ length: 30 }, (_, i) =>
      message(other.id, corpusText(i + 200), { createdAt: at(i) }),
    );
    const passages = Array.from({ length: 80 }, (_, i) =>
      passage(corpusText(i + 100), {
        agentId: i % 4 === 3 ? other.id : mine.id,
        tags: [i % 2 ? "odd" : "even"],
        createdAt: at(i),
      }),
    );
    for (const s of [store(), reference]) {
      for (const a of [mine, other]) await s.createAgent(a, [], []);
      await s.commitMessages(mine.id, messages, {});
      await s.commitMessages(other.id, theirs, {});
      await s.insertPassages(passages.map((p) => ({ passage: p })));
    }
    return { mine: mine.id, other: other.id };
  }

  describe("lexical ranking", () => {
    it("orders messages as FTS5's bm25 does, with the same scores, filters and pages", async () => {
      const { mine } = await load();
      for (const query of QUERIES) {
        for (const q of [
          { query, limit: 10 },
          { query, limit: 4, offset: 3 },
          { query, limit: 50, start: at(10), end: at(60) },
        ] satisfies Array<LexicalQuery & { start?: string; end?: string }>) {
          const want = strip(await reference.searchMessagesLexical(mine, q));
          expect(want.length).toBeGreaterThan(0);
          expect(strip(await store().searchMessagesLexical(mine, q))).toEqual(want);
        }
      }
    });

    it("orders passages as FTS5's bm25 does, with the same scores, filters and pages", async () => {
      const { mine } = await load();
      for (const query of QUERIES) {
        for (const [filter, q] of [
          [{ agentId: mine }, { query, limit: 10 }],
          [
            { agentId: mine, tags: ["odd"] },
            { query, limit: 5, offset: 2 },
          ],
          [{}, { query, limit: 100 }],
        ] satisfies Array<[PassageFilter, LexicalQuery]>) {
          const want = strip(await reference.searchPassagesLexical(filter, q));
          expect(want.length).toBeGreaterThan(0);
          expect(strip(await store().searchPassagesLexical(filter, q))).toEqual(want);
        }
      }
      // A deletion changes the document frequencies on both sides alike (and, as in FTS5, not the totals).
      const first = (await reference.searchPassagesLexical({}, { query: "walking", limit: 3 })).map(
        (h) => h.id,
      );
      for (const s of [store(), reference]) await s.deletePassages(first);
      expect(strip(await store().searchPassagesLexical({}, { query: "walking garden", limit: 20 }))).toEqual(
        strip(await reference.searchPassagesLexical({}, { query: "walking garden", limit: 20 })),
      );
    });
  });
}
