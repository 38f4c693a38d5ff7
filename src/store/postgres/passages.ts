// Passages: archival memory (agent_id) and document chunks (source_id, file_id), with BM25 (as FTS5 scores it)
// and vector search under one filter (conditions are ANDed).
import { postgresDialect } from "../sql/dialect.ts";
import { passageConditions } from "../sql/filters.ts";
import type { LexicalQuery, Neighbours, Page, PassageFilter, PassageRecord, RankedId } from "../types.ts";
import { passageCodec } from "../sqlite/codecs.ts";
import { inAskedOrder, passageNeighbourSql } from "../sqlite/neighbour-sql.ts";
import type { Q } from "./db.ts";
import { encode } from "../sqlite/codec.ts";
import { decode, insertRows, pagedSql, type Select, type Slot, selectList } from "./records.ts";
import { searchLexical, lexicalColumns } from "./lexical.ts";
import { topByCosine, vectorBytes, vectorLiteral } from "./search.ts";

const columns = selectList(passageCodec, "p");

/** A passage to write, with its embedding when an embedder is configured. */
export type PassageInsert = { passage: PassageRecord; embedding?: Float32Array };

const plainSlots: Slot[] = [
  ...passageCodec.columns.map((c): Slot => [c[1], "?"]),
  ["tsv", "?::tsvector"],
  ["terms", "?"],
  ["dim", "?"],
  ["embedding", "?"],
];
const vectorSlots: Slot[] = [...plainSlots, ["vec", "?::vector"]];

/** Inserts passages (with search vectors and embeddings) in the caller's transaction, in one statement. */
export async function insertPassages(q: Q, items: PassageInsert[], pgvector: boolean): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map(({ passage, embedding: e }) => {
    const values = encode(passageCodec, passage);
    const lex = lexicalColumns(passage.text);
    const row = [
      ...passageCodec.columns.map((c) => values[c[1]] ?? null),
      lex.tsv,
      lex.terms,
      e ? e.length : null,
      e ? vectorBytes(e) : null,
    ];
    if (pgvector) row.push(e ? vectorLiteral(e) : null);
    return row;
  });
  await insertRows(q, "passages", pgvector ? vectorSlots : plainSlots, rows);
}

export async function getPassages(q: Q, ids: string[]): Promise<PassageRecord[]> {
  if (ids.length === 0) return [];
  const rows = await q.all<Record<string, unknown>>(
    `SELECT ${columns} FROM passages p WHERE p.id = ANY(?::text[])`,
    ids,
  );
  const byId = new Map(rows.map((r) => [r.id as string, decode(passageCodec, r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function deletePassages(q: Q, ids: string[]): Promise<void> {
  if (ids.length) await q.run("DELETE FROM passages WHERE id = ANY(?::text[])", ids);
}

function where(filter: PassageFilter): { where: string[]; params: unknown[] } {
  return passageConditions(postgresDialect, filter);
}

export async function listPassages(q: Q, filter: PassageFilter, page: Page): Promise<PassageRecord[]> {
  const select: Select = { columns, from: "passages p", ...where(filter) };
  const { sql, params } = pagedSql(select, { table: "passages", alias: "p", tiebreak: "id" }, page);
  return (await q.all<Record<string, unknown>>(sql, ...params)).map((r) => decode(passageCodec, r));
}

export async function countPassages(q: Q, filter: PassageFilter): Promise<number> {
  const w = where(filter);
  const cond = w.where.length ? ` WHERE ${w.where.join(" AND ")}` : "";
  return (await q.get<{ n: number }>(`SELECT count(*)::int AS n FROM passages p${cond}`, ...w.params))!.n;
}

export async function passageTags(q: Q, agentId: string): Promise<string[]> {
  const rows = await q.all<{ tag: string }>(
    `SELECT DISTINCT t AS tag FROM passages p, json_array_elements_text(p.tags::json) t
     WHERE p.agent_id = ? ORDER BY 1`,
    agentId,
  );
  return rows.map((r) => r.tag);
}

/** BM25 over passage text within the filter as FTS5 scores it (lexical.ts), best first. */
export async function searchPassagesLexical(
  q: Q,
  filter: PassageFilter,
  query: LexicalQuery,
): Promise<RankedId[]> {
  return searchLexical(q, { table: "passages", alias: "p", ...where(filter) }, query);
}

/** Passages nearest to an embedding by cosine within the filter (score = similarity), best first. */
export async function searchPassagesVector(
  q: Q,
  filter: PassageFilter,
  embedding: Float32Array,
  limit: number,
  pgvector: boolean,
): Promise<RankedId[]> {
  if (limit <= 0 || embedding.length === 0) return [];
  const w = where(filter);
  const cond = w.where.map((c) => ` AND ${c}`).join("");
  if (pgvector) {
    const lit = vectorLiteral(embedding);
    const rows = await q.all<RankedId>(
      `SELECT p.id AS id, 1 - (p.vec <=> ?::vector) AS score FROM passages p
       WHERE p.dim = ?${cond} ORDER BY p.vec <=> ?::vector, p.seq DESC LIMIT ?`,
      lit,
      embedding.length,
      ...w.params,
      lit,
      limit,
    );
    return rows.filter((r) => r.score !== null && !Number.isNaN(r.score));
  }
  const rows = await q.all<{ id: string; seq: number; embedding: Buffer }>(
    `SELECT p.id, p.seq, p.embedding FROM passages p WHERE p.dim = ?${cond}`,
    embedding.length,
    ...w.params,
  );
  return topByCosine(embedding, rows, limit);
}

/** For each passage id, the nearest passage before and after it that matches the filter: archival passages
 * by (created_at, seq) within their agent, document chunks by seq within their file. Unknown ids are
 * skipped; the answer keeps the order asked. */
export async function passageNeighbours(q: Q, filter: PassageFilter, ids: string[]): Promise<Neighbours[]> {
  if (ids.length === 0) return [];
  const w = where(filter);
  const text = passageNeighbourSql(w.where.map((c) => ` AND ${c}`).join(""), "= ANY(?::text[])");
  return inAskedOrder(
    ids,
    await q.all<Neighbours>(text, ...w.params, ...w.params, ...w.params, ...w.params, ids),
  );
}
