// Lexical search on PostgreSQL that ranks as the SQLite store's FTS5 does, so both stores give one ordering
// (issue 15). Each row keeps a tsvector of the terms FTS5's `porter unicode61` tokenizer makes of its text
// (sql/fts-tokens.ts; written as a tsvector literal, so PostgreSQL's parser and stemmer never touch it) and
// its number of terms; lexical_stats (kept by an insert trigger, v6) holds the rows and terms each table has
// indexed — never lowered by a delete, as FTS5's contentless tables keep theirs. A search takes
// the rows whose tsvector holds any query term (the GIN index), and scores them with FTS5's bm25(): the same
// k1 and b, the same idf from the whole table's document frequencies, the same floating-point steps in the
// same order, so equal scores stay equal and the tiebreak (later seq first) decides as it does in SQLite.
// Differences left: FTS5 matches a query word that splits into several tokens ("a_b") as a phrase, here
// each token is a term; PostgreSQL keeps at most 256 positions per term and none past 16,383, so a term's
// frequency in a longer text is capped there.
import { ftsTerms } from "../sql/fts-tokens.ts";
import type { LexicalQuery, RankedId } from "../types.ts";
import type { Q } from "./db.ts";

const MAX_QUERY_TERMS = 64;
// PostgreSQL refuses longer lexemes; such a token (a pasted blob) still counts in the text's length.
const MAX_LEXEME_BYTES = 2047;
const MAX_POSITION = 16_383;

/** The tsvector literal of a text's terms (positions 1…n) and how many terms it has. */
export function lexicalColumns(text: string): { tsv: string; terms: number } {
  const terms = ftsTerms(text);
  const positions = new Map<string, number[]>();
  terms.forEach((t, i) => {
    if (Buffer.byteLength(t) > MAX_LEXEME_BYTES) return;
    const p = positions.get(t) ?? [];
    positions.set(t, p);
    if (p.length < 256) p.push(Math.min(i + 1, MAX_POSITION));
  });
  // Tokens hold no ASCII punctuation, so a quoted lexeme needs no escaping.
  const tsv = [...positions].map(([t, p]) => `'${t}':${[...new Set(p)].join(",")}`).join(" ");
  return { tsv, terms: terms.length };
}

/** The query's terms as FTS5 reads the store's query: each distinct word (as the SQLite store's ftsQuery
 * splits them), stemmed; one word stemming like another still counts once more, as a phrase of its own. */
export function queryTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu);
  if (!words) return [];
  return [...new Set(words)].slice(0, MAX_QUERY_TERMS).flatMap((w) => ftsTerms(w));
}

/** Where to search: the table (messages or passages, alias m or p), and the filter's conditions. */
export interface LexicalScope {
  table: "messages" | "passages";
  alias: "m" | "p";
  where: string[];
  params: unknown[];
}

/** BM25 as FTS5 computes it over the scope's rows, best first (score higher-better, ties: later seq). */
export async function searchLexical(q: Q, scope: LexicalScope, query: LexicalQuery): Promise<RankedId[]> {
  const terms = queryTerms(query.query);
  if (terms.length === 0 || query.limit <= 0) return [];
  const { table, alias: a } = scope;
  // One statement, its parts materialised so that each runs once: the table's totals (lexical_stats), each
  // term's idf — FTS5's ln((N - n + 0.5) / (n + 0.5)), at least 1e-6, n counted over the whole table — and
  // per term (k1 = 1.2, b = 0.75) idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl)), summed in the
  // query's term order, each step in FTS5's floating-point order.
  const rows = await q.all<RankedId>(
    `WITH s AS MATERIALIZED (
       SELECT coalesce(sum(docs), 0)::float8 AS docs, coalesce(sum(terms), 0)::float8 AS total
       FROM lexical_stats WHERE tbl = ?),
     n AS MATERIALIZED (
       SELECT u.term, u.ord, ln((s.docs - d.df + 0.5::float8) / (d.df + 0.5::float8)) AS idf
       FROM s CROSS JOIN unnest(?::text[]) WITH ORDINALITY u(term, ord)
       CROSS JOIN LATERAL (SELECT count(*)::float8 AS df FROM ${table} x
                           WHERE x.tsv @@ quote_literal(u.term)::tsquery) d),
     q AS MATERIALIZED (SELECT term, ord, CASE WHEN idf <= 0 THEN 1e-6::float8 ELSE idf END AS idf FROM n)
     SELECT ${a}.id AS id,
       sum(q.idf * ((t.tf * (1.2::float8 + 1.0::float8)) /
           (t.tf + 1.2::float8 * (1::float8 - 0.75::float8 + 0.75::float8 * ${a}.terms::float8 /
                                  (SELECT total / docs FROM s))))
           ORDER BY q.ord)::float8 AS score
     FROM ${table} ${a}
     CROSS JOIN LATERAL (SELECT lexeme, cardinality(positions)::float8 AS tf FROM unnest(${a}.tsv)) t
     JOIN q ON q.term = t.lexeme
     WHERE ${[`${a}.tsv @@ ?::tsquery`, ...scope.where].join(" AND ")}
     GROUP BY ${a}.id, ${a}.seq
     ORDER BY score DESC, ${a}.seq DESC LIMIT ? OFFSET ?`,
    table,
    terms,
    [...new Set(terms)].map((t) => `'${t}'`).join(" | "),
    ...scope.params,
    query.limit,
    query.offset ?? 0,
  );
  return rows;
}
