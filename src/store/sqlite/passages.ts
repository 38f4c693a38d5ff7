// Passages: archival memory (agent_id) and document chunks (source_id, file_id), with BM25 and
// vector search under one filter (conditions are ANDed).
import { sqliteDialect } from "../sql/dialect.ts";
import { passageConditions } from "../sql/filters.ts";
import type { LexicalQuery, Neighbours, Page, PassageFilter, PassageRecord, RankedId } from "../types.ts";
import { decode, encode, insertSql, selectList } from "./codec.ts";
import { passageCodec } from "./codecs.ts";
import { inAskedOrder, passageNeighbourSql } from "./neighbour-sql.ts";
import { ftsQuery } from "./fts.ts";
import type { PassageVectorIndex } from "./passage-vectors.ts";
import { pagedSql, type Select } from "./paging.ts";
import { type Sql, vectorBlob } from "./sql.ts";

const insertPassage = insertSql(passageCodec);
const columns = selectList(passageCodec, "p");

/** A passage to write, with its embedding when an embedder is configured. */
export type PassageInsert = { passage: PassageRecord; embedding?: Float32Array };

/** Inserts passages (with FTS rows and embeddings) inside the caller's transaction. */
export function insertPassages(sql: Sql, items: PassageInsert[]): void {
  for (const { passage, embedding } of items) {
    const seq = Number(sql.run(insertPassage, encode(passageCodec, passage)).lastInsertRowid);
    sql.run("INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", seq, passage.text);
    if (embedding) {
      sql.run(
        "INSERT INTO passage_embeddings (seq, dim, embedding) VALUES (?, ?, ?)",
        seq,
        embedding.length,
        vectorBlob(embedding),
      );
    }
  }
}

/** The passages with these ids, in the order asked (unknown ids are skipped). */
export function getPassages(sql: Sql, ids: string[]): PassageRecord[] {
  if (ids.length === 0) return [];
  const rows = sql.all<Record<string, unknown>>(
    `SELECT ${columns} FROM passages p WHERE p.id IN (SELECT value FROM json_each(?))`,
    JSON.stringify(ids),
  );
  const byId = new Map(rows.map((r) => [r.id as string, decode(passageCodec, r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Deletes passages by id (FTS rows by trigger, embeddings by cascade). */
export function deletePassages(sql: Sql, ids: string[]): void {
  if (ids.length === 0) return;
  sql.run("DELETE FROM passages WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify(ids));
}

function where(filter: PassageFilter): { where: string[]; params: unknown[] } {
  return passageConditions(sqliteDialect, filter);
}

/** Passages matching the filter, paged by (created_at, id). */
export function listPassages(sql: Sql, filter: PassageFilter, q: Page): PassageRecord[] {
  const select: Select = { columns, from: "passages p", ...where(filter) };
  const { sql: text, params } = pagedSql(select, { table: "passages", alias: "p", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(passageCodec, r));
}

/** How many passages match the filter. */
export function countPassages(sql: Sql, filter: PassageFilter): number {
  const w = where(filter);
  const cond = w.where.length ? ` WHERE ${w.where.join(" AND ")}` : "";
  return sql.get<{ n: number }>(`SELECT count(*) AS n FROM passages p${cond}`, ...w.params)!.n;
}

/** Every tag used on the agent's archival passages, sorted. */
export function passageTags(sql: Sql, agentId: string): string[] {
  return sql
    .all<{ tag: string }>(
      "SELECT DISTINCT t.value AS tag FROM passages p, json_each(p.tags) t WHERE p.agent_id = ? ORDER BY 1",
      agentId,
    )
    .map((r) => r.tag);
}

// Filters that left too few of the FTS top candidates to answer from them (selective filters): their
// searches go straight to the full query. Bounded; keyed by the filter's JSON.
const selectiveFilters = new Set<string>();

// CROSS JOIN pins the FTS table as the outer loop: otherwise SQLite may walk the agent's rows and
// re-run the full-text MATCH once per row (quadratic).
/** BM25 over passage text within the filter, best first (score = -bm25). */
export function searchPassagesLexical(sql: Sql, filter: PassageFilter, q: LexicalQuery): RankedId[] {
  const match = ftsQuery(q.query);
  if (!match || q.limit <= 0) return [];
  const w = where(filter);
  const conditions = w.where.map((c) => ` AND ${c}`).join("");
  const offset = q.offset ?? 0;
  const wanted = q.limit + offset;
  const key = JSON.stringify(filter);
  if (!selectiveFilters.has(key)) {
    // First rank on the FTS table alone (no join per match), keeping the top candidates in the final
    // order (score, then seq = rowid, descending), and filter those. When at least `wanted` of them pass,
    // they are exactly the first `wanted` of the full query: every row outside them ranks lower.
    const candidates = Math.max(200, wanted * 8);
    const rows = sql.all<RankedId>(
      `SELECT p.id AS id, c.score AS score
       FROM (SELECT rowid AS seq, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?
             ORDER BY score DESC, rowid DESC LIMIT ?) c
       CROSS JOIN passages p ON p.seq = c.seq
       WHERE 1${conditions}
       ORDER BY c.score DESC, c.seq DESC LIMIT ?`,
      match,
      candidates,
      ...w.params,
      wanted,
    );
    if (rows.length >= wanted) return rows.slice(offset);
    // Fewer matches than candidates overall: the answer is complete as it is.
    const total = sql.get<{ n: number }>(
      "SELECT count(*) AS n FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)",
      match,
      candidates,
    )!.n;
    if (total < candidates) return rows.slice(offset);
    if (selectiveFilters.size >= 1_000) selectiveFilters.clear();
    selectiveFilters.add(key);
  }
  return sql.all<RankedId>(
    `SELECT p.id AS id, -bm25(passages_fts) AS score
     FROM passages_fts CROSS JOIN passages p ON p.seq = passages_fts.rowid
     WHERE passages_fts MATCH ?${conditions}
     ORDER BY score DESC, p.seq DESC LIMIT ? OFFSET ?`,
    match,
    ...w.params,
    q.limit,
    offset,
  );
}

/** Passages nearest to an embedding by cosine within the filter (score = 1 - distance), best first: through
 * the approximate index when it answers (passage-vectors.ts says when), else by sqlite-vec's exact scan. */
export function searchPassagesVector(
  sql: Sql,
  filter: PassageFilter,
  embedding: Float32Array,
  limit: number,
  vectors?: PassageVectorIndex,
): RankedId[] {
  if (limit <= 0 || embedding.length === 0) return [];
  const w = where(filter);
  const fast = vectors?.search(embedding, limit, {
    conditions: w.where.map((c) => ` AND ${c}`).join(""),
    params: w.params,
  });
  if (fast) return fast;
  // The distance is computed in the result column, so only rows that passed WHERE (same dimension)
  // reach sqlite-vec; zero vectors give NULL and are dropped.
  return sql
    .all<RankedId>(
      `SELECT p.id AS id, 1 - vec_distance_cosine(e.embedding, ?) AS score
       FROM passage_embeddings e JOIN passages p ON p.seq = e.seq
       WHERE e.dim = ?${w.where.map((c) => ` AND ${c}`).join("")}
       ORDER BY score DESC, p.seq DESC LIMIT ?`,
      vectorBlob(embedding),
      embedding.length,
      ...w.params,
      limit,
    )
    .filter((r) => r.score !== null);
}

/** For each passage id, the nearest passage before and after it that matches the filter: archival passages
 * by (created_at, seq) within their agent, document chunks by seq within their file. */
export function passageNeighbours(sql: Sql, filter: PassageFilter, ids: string[]): Neighbours[] {
  if (ids.length === 0) return [];
  const w = where(filter);
  const text = passageNeighbourSql(
    w.where.map((c) => ` AND ${c}`).join(""),
    "IN (SELECT value FROM json_each(?))",
  );
  const rows = sql.all<Neighbours>(
    text,
    ...w.params,
    ...w.params,
    ...w.params,
    ...w.params,
    JSON.stringify(ids),
  );
  return inAskedOrder(ids, rows);
}
