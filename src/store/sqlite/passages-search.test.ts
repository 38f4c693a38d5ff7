// Lexical passage search answers from the FTS top candidates when the filter lets enough of them through;
// whatever the path, a page is exactly that slice of the complete ranking (score, then newest first).
import { expect, it } from "vitest";
import { agent, passage } from "../conformance/fixtures.testkit.ts";
import { openSqliteStore } from "../index.ts";

it("pages of a lexical search equal slices of the complete ranking, for broad and selective filters", async () => {
  const store = await openSqliteStore(":memory:");
  try {
    const big = agent();
    const small = agent();
    await store.createAgent(big, [], []);
    await store.createAgent(small, [], []);
    let s = 11;
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const words = ["apple", "river", "stone", "cloud", "ember", "frost", "grove", "harbor"];
    const text = () =>
      Array.from({ length: 12 }, () => words[Math.floor(words.length * rand() ** 2)]).join(" ");
    const rows = [
      ...Array.from({ length: 900 }, () => passage(text(), { agentId: big.id })),
      ...Array.from({ length: 40 }, () => passage(text(), { agentId: small.id })),
    ];
    await store.insertPassages(rows.map((p) => ({ passage: p })));
    for (const filter of [{ agentId: big.id }, { agentId: small.id }, {}]) {
      for (const query of ["apple", "grove harbor", "frost ember stone"]) {
        const all = await store.searchPassagesLexical(filter, { query, limit: 1_000_000 });
        expect(all.length).toBeGreaterThan(0);
        for (let i = 1; i < all.length; i++) expect(all[i].score).toBeLessThanOrEqual(all[i - 1].score);
        for (const [limit, offset] of [
          [5, 0],
          [10, 20],
          [30, 0],
          [7, 300],
        ]) {
          const page = await store.searchPassagesLexical(filter, { query, limit, offset });
          expect(page).toEqual(all.slice(offset, offset + limit));
        }
      }
    }
  } finally {
    await store.close();
  }
});
