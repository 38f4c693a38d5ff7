// The JS tokenizer against FTS5 itself: the terms `porter unicode61` indexes (read back through fts5vocab)
// for made-up text in several scripts, for words that take every Porter rule, and for a sample of every
// Unicode code point between letters.
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { ftsTerms, porterStem, unicodeTokens } from "./fts-tokens.ts";

const db = new Database(":memory:");
db.exec(`CREATE VIRTUAL TABLE porter USING fts5(text, tokenize='porter unicode61');
CREATE VIRTUAL TABLE porter_terms USING fts5vocab(porter, instance);
CREATE VIRTUAL TABLE plain USING fts5(text, tokenize='unicode61');
CREATE VIRTUAL TABLE plain_terms USING fts5vocab(plain, instance);`);
afterAll(() => db.close());

/** What FTS5 indexes for each text, in order. */
function fts5(table: "porter" | "plain", texts: string[]): string[][] {
  db.exec(`DELETE FROM ${table}`);
  const insert = db.prepare(`INSERT INTO ${table} (rowid, text) VALUES (?, ?)`);
  for (const [i, t] of texts.entries()) insert.run(i + 1, t);
  const out: string[][] = texts.map(() => []);
  const rows = db
    .prepare(`SELECT doc, "offset" AS o, term FROM ${table}_terms ORDER BY doc, "offset"`)
    .all() as Array<{ doc: number; o: number; term: string }>;
  for (const r of rows) out[r.doc - 1][r.o] = r.term;
  return out;
}

describe("FTS5's porter unicode61 tokenizer in JS", () => {
  it("splits, folds, removes diacritics and stems made-up text as FTS5 does", () => {
    const texts = [
      "Zoë's café was CLOSED, so we walked to the bakery; she's baking bread again!",
      "Ærøskøbing straße İstanbul ÉCOLE naïve résumé ﬁne Ωmega ΣΊΣΥΦΟΣ ς Привет, МИР.",
      "東京タワー 123abc a_b_c o'brien e\u0301t\u0301e x²³ ½ 🧘‍♀️ 🎉party 🤔 thinking… 2024-05-01",
      "hopping hoping happiness relational conditional rational valenci hesitanci digitizer " +
        "conformabli radicalli differentli vileli analogousli vietnamization predication operator " +
        "feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate " +
        "formative formalize electriciti electrical hopeful goodness revival allowance inference " +
        "airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption " +
        "homologou communism activate angulariti homologous effective bowdlerize probate rate cease " +
        "controll roll agreed feed plastered bled motoring sing conflated troubled sized hopping tanned " +
        "falling hissing fizzed failing filing happy sky caresses ponies ties caress cats generalizations " +
        "oscillators logi archeology skies dying lying abilities",
      "",
      "   ...   ",
    ];
    const want = fts5("porter", texts);
    for (const [i, t] of texts.entries()) expect(ftsTerms(t), t).toEqual(want[i]);
  });

  it("stems generated words through every step as FTS5 does", () => {
    const stems = ["b", "tr", "con", "hop", "sens", "form", "ag", "feed", "y", "oy", "ey", "ski", "pl"];
    const suffixes = [
      "s",
      "es",
      "ies",
      "sses",
      "ss",
      "ed",
      "eed",
      "ing",
      "ating",
      "bling",
      "izing",
      "ying",
      "y",
      "ational",
      "tional",
      "enci",
      "anci",
      "izer",
      "logi",
      "bli",
      "alli",
      "entli",
      "eli",
      "ousli",
      "ization",
      "ation",
      "ator",
      "alism",
      "iveness",
      "fulness",
      "ousness",
      "aliti",
      "iviti",
      "biliti",
      "icate",
      "ative",
      "alize",
      "iciti",
      "ical",
      "ful",
      "ness",
      "al",
      "ance",
      "ence",
      "er",
      "ic",
      "able",
      "ible",
      "ant",
      "ement",
      "ment",
      "ent",
      "sion",
      "tion",
      "ou",
      "ism",
      "ate",
      "iti",
      "ous",
      "ive",
      "ize",
      "e",
      "le",
      "ll",
      "fully",
      "nesses",
    ];
    const words = stems.flatMap((s) => suffixes.flatMap((x) => [s + x, `${s}${s}${x}`, `${s}e${x}`]));
    const want = fts5("porter", [words.join(" ")])[0];
    expect(words.map(porterStem)).toEqual(want);
  });

  it("treats code points as token characters or separators and folds them as unicode61 does", () => {
    // Every 37th code point (and all of the Latin, Greek and Cyrillic blocks) between two letters.
    const points: number[] = [];
    for (let c = 0x80; c <= 0x10ffff; c += c < 0x530 ? 1 : 37) if (c < 0xd800 || c > 0xdfff) points.push(c);
    const texts = points.map((c) => `x${String.fromCodePoint(c)}x`);
    const want = fts5("plain", texts);
    const got = texts.map(unicodeTokens);
    const differing = points.filter((_, i) => got[i].join(" ") !== want[i].join(" "));
    expect(differing.map((c) => c.toString(16))).toEqual([]);
  });
});
