// Recall memory: every message ever, ordered by (created_at, seq), searchable by BM25 and by vector.
import { sqliteDialect } from "../sql/dialect.ts";
import { addMessageConditions } from "../sql/filters.ts";
import type { LexicalQuery, MessageQuery, MessageRecord, Neighbours, RankedId, Role } from "../types.ts";
import { decode, encode, insertSql, selectList } from "./codec.ts";
import { messageCodec } from "./codecs.ts";
import { inAskedOrder, messageNeighbourSql } from "./neighbour-sql.ts";
import { ftsQuery } from "./fts.ts";
import { pagedSql, type Select } from "./paging.ts";
import { type Sql, vectorBlob } from "./sql.ts";

// seq is assigned by SQLite (AUTOINCREMENT), so it is left out of the INSERT.
const insertMessage = insertSql({
  ...messageCodec,
  columns: messageCodec.columns.filter((c) => c[0] !== "seq"),
});
const columns = selectList(messageCodec, "m");

/** Characters of one message the full-text index takes (its first ones). Indexing is synchronous work on
 * the server's one thread (SQLite): FTS5 took 1.8 s for a 5 MB message of words on the loaded 2-core VM,
 * long enough to hold every other request (`npm run bench -- stall` saw a 1.2 s probe). The message itself
 * is stored whole; recall's lexical search finds it by its first 128 Ki characters. */
export const SEARCHABLE_CHARS = 131_072;

/** The text recall search sees: content text and reasoning, plus tool-call arguments (where
 * send_message replies live in MemGPT mode), at most SEARCHABLE_CHARS of it. */
export function searchableText(m: Pick<MessageRecord, "content" | "toolCalls">): string {
  const parts: string[] = [];
  for (const c of m.content) if (c.type === "text" || c.type === "reasoning") parts.push(c.text);
  for (const call of m.toolCalls) parts.push(call.arguments);
  const text = parts.join("\n");
  return text.length > SEARCHABLE_CHARS ? text.slice(0, SEARCHABLE_CHARS) : text;
}

/** Inserts messages (and any embeddings) inside the caller's transaction; returns the seq assigned to
 * each, in order. Their full-text rows follow later (message-index.ts). */
export function insertMessages(
  sql: Sql,
  messages: MessageRecord[],
  embeddings?: Record<string, Float32Array>,
): number[] {
  const seqs: number[] = [];
  for (const m of messages) {
    const params = encode(messageCodec, m);
    delete params.seq;
    const seq = Number(sql.run(insertMessage, params).lastInsertRowid);
    const e = embeddings?.[m.id];
    if (e) {
      sql.run(
        "INSERT INTO message_embeddings (seq, dim, embedding) VALUES (?, ?, ?)",
        seq,
        e.length,
        vectorBlob(e),
      );
    }
    seqs.push(seq);
  }
  return seqs;
}

/** The messages with these ids, in the order asked (unknown ids are skipped). */
export function getMessages(sql: Sql, ids: string[]): MessageRecord[] {
  if (ids.length === 0) return [];
  const rows = sql.all<Record<string, unknown>>(
    `SELECT ${columns} FROM messages m WHERE m.id IN (SELECT value FROM json_each(?))`,
    JSON.stringify(ids),
  );
  const byId = new Map<string, MessageRecord>();
  for (const r of rows) byId.set(r.id as string, decode(messageCodec, r));
  const out: MessageRecord[] = [];
  for (const id of ids) {
    const m = byId.get(id);
    if (m) out.push(m);
  }
  return out;
}

function filters(select: Select, q: { roles?: Role[]; start?: string; end?: string }): void {
  addMessageConditions(sqliteDialect, select, q);
}

/** An agent's messages, filtered and cursor-paged by (created_at, seq). */
export function listMessages(sql: Sql, agentId: string, q: MessageQuery): MessageRecord[] {
  const select: Select = { columns, from: "messages m", where: ["m.agent_id = ?"], params: [agentId] };
  filters(select, q);
  const { sql: text, params } = pagedSql(select, { table: "messages", alias: "m", tiebreak: "seq" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(messageCodec, r));
}

/** How many messages the agent has ever had. */
export function countMessages(sql: Sql, agentId: string): number {
  return sql.get<{ n: number }>("SELECT count(*) AS n FROM messages WHERE agent_id = ?", agentId)!.n;
}

// CROSS JOIN pins the FTS table as the outer loop: otherwise SQLite may walk the agent's rows and
// re-run the full-text MATCH once per row (quadratic).
/** BM25 over message text, best first (score = -bm25, higher is better). */
export function searchMessagesLexical(
  sql: Sql,
  agentId: string,
  q: LexicalQuery & { roles?: Role[]; start?: string; end?: string },
): RankedId[] {
  const match = ftsQuery(q.query);
  if (!match || q.limit <= 0) return [];
  const select: Select = {
    columns: "m.id AS id, -bm25(messages_fts) AS score",
    from: "messages_fts CROSS JOIN messages m ON m.seq = messages_fts.rowid",
    where: ["messages_fts MATCH ?", "m.agent_id = ?"],
    params: [match, agentId],
  };
  filters(select, q);
  return sql.all<RankedId>(
    `SELECT ${select.columns} FROM ${select.from} WHERE ${select.where.join(" AND ")}
     ORDER BY score DESC, m.seq DESC LIMIT ? OFFSET ?`,
    ...select.params,
    q.limit,
    q.offset ?? 0,
  );
}

/** Messages nearest to an embedding by cosine (score = 1 - distance), best first. Only embeddings of
 * the same dimension are compared. */
export function searchMessagesVector(
  sql: Sql,
  agentId: string,
  embedding: Float32Array,
  q: { limit: number; roles?: Role[]; start?: string; end?: string },
): RankedId[] {
  if (q.limit <= 0 || embedding.length === 0) return [];
  const select: Select = {
    columns: "",
    from: "",
    where: ["m.agent_id = ?", "e.dim = ?"],
    params: [agentId, embedding.length],
  };
  filters(select, q);
  // Distance in the result column: only rows past WHERE (same dimension) reach sqlite-vec.
  return sql
    .all<RankedId>(
      `SELECT m.id AS id, 1 - vec_distance_cosine(e.embedding, ?) AS score
       FROM message_embeddings e JOIN messages m ON m.seq = e.seq
       WHERE ${select.where.join(" AND ")}
       ORDER BY score DESC, m.seq DESC LIMIT ?`,
      vectorBlob(embedding),
      ...select.params,
      q.limit,
    )
    .filter((r) => r.score !== null);
}

/** For each of the agent's message ids, the nearest conversation turns (kind null, role in `roles`, within
 * start/end) before and after it by (created_at, seq): indexed seeks on messages_agent_created. */
export function messageNeighbours(
  sql: Sql,
  agentId: string,
  ids: string[],
  q: { roles?: Role[]; start?: string; end?: string } = {},
): Neighbours[] {
  if (ids.length === 0) return [];
  const select: Select = {
    columns: "",
    from: "",
    where: ["m.agent_id = h.agent_id", "m.kind IS NULL"],
    params: [],
  };
  filters(select, { ...q, roles: q.roles?.length ? q.roles : ["user", "assistant"] });
  const text = messageNeighbourSql(select.where.join(" AND "), "IN (SELECT value FROM json_each(?))");
  const rows = sql.all<Neighbours>(text, ...select.params, ...select.params, agentId, JSON.stringify(ids));
  return inAskedOrder(ids, rows);
}
