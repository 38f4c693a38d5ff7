// Recall memory: every message ever, ordered by (created_at, seq), searchable by BM25 over a tsvector
// of FTS5's terms written with the row (lexical.ts), and by vector (pgvector, or an exact scan of the bytea embeddings).
import { postgresDialect } from "../sql/dialect.ts";
import { addMessageConditions } from "../sql/filters.ts";
import type { LexicalQuery, MessageQuery, MessageRecord, Neighbours, RankedId, Role } from "../types.ts";
import { messageCodec } from "../sqlite/codecs.ts";
import { inAskedOrder, messageNeighbourSql } from "../sqlite/neighbour-sql.ts";
import { searchableText } from "../sqlite/messages.ts";
import type { Q } from "./db.ts";
import { encode } from "../sqlite/codec.ts";
import { decode, insertRows, pagedSql, type Select, type Slot, selectList } from "./records.ts";
import { searchLexical, lexicalColumns } from "./lexical.ts";
import { topByCosine, vectorBytes, vectorLiteral } from "./search.ts";

const columns = selectList(messageCodec, "m");

const stored = messageCodec.columns.filter((c) => c[0] !== "seq");
const plainSlots: Slot[] = [
  ...stored.map((c): Slot => [c[1], "?"]),
  ["tsv", "?::tsvector"],
  ["terms", "?"],
  ["dim", "?"],
  ["embedding", "?"],
];
const vectorSlots: Slot[] = [...plainSlots, ["vec", "?::vector"]];

/** Inserts messages (with their search vector and any embeddings) in the caller's transaction, in one
 * statement; returns the seq assigned to each, in order. */
export async function insertMessages(
  q: Q,
  messages: MessageRecord[],
  embeddings: Record<string, Float32Array> | undefined,
  pgvector: boolean,
): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => {
    const values = encode(messageCodec, m);
    const e = embeddings?.[m.id];
    const lex = lexicalColumns(searchableText(m));
    const row = [
      ...stored.map((c) => values[c[1]] ?? null),
      lex.tsv,
      lex.terms,
      e ? e.length : null,
      e ? vectorBytes(e) : null,
    ];
    if (pgvector) row.push(e ? vectorLiteral(e) : null);
    return row;
  });
  const back = await insertRows<{ id: string; seq: number }>(
    q,
    "messages",
    pgvector ? vectorSlots : plainSlots,
    rows,
    "id, seq",
  );
  const seqOf = new Map(back.map((r) => [r.id, r.seq]));
  return messages.map((m) => seqOf.get(m.id)!);
}

/** The messages with these ids, in the order asked (unknown ids are skipped). */
export async function getMessages(q: Q, ids: string[]): Promise<MessageRecord[]> {
  if (ids.length === 0) return [];
  const rows = await q.all<Record<string, unknown>>(
    `SELECT ${columns} FROM messages m WHERE m.id = ANY(?::text[])`,
    ids,
  );
  const byId = new Map(rows.map((r) => [r.id as string, decode(messageCodec, r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

function filters(select: Select, f: { roles?: Role[]; start?: string; end?: string }): void {
  addMessageConditions(postgresDialect, select, f);
}

/** An agent's messages, filtered and cursor-paged by (created_at, seq). */
export async function listMessages(q: Q, agentId: string, page: MessageQuery): Promise<MessageRecord[]> {
  const select: Select = { columns, from: "messages m", where: ["m.agent_id = ?"], params: [agentId] };
  filters(select, page);
  const { sql, params } = pagedSql(select, { table: "messages", alias: "m", tiebreak: "seq" }, page);
  return (await q.all<Record<string, unknown>>(sql, ...params)).map((r) => decode(messageCodec, r));
}

export async function countMessages(q: Q, agentId: string): Promise<number> {
  return (await q.get<{ n: number }>("SELECT count(*)::int AS n FROM messages WHERE agent_id = ?", agentId))!
    .n;
}

/** BM25 over message text as FTS5 scores it (lexical.ts), best first. */
export async function searchMessagesLexical(
  q: Q,
  agentId: string,
  query: LexicalQuery & { roles?: Role[]; start?: string; end?: string },
): Promise<RankedId[]> {
  const select: Select = { columns: "", from: "", where: ["m.agent_id = ?"], params: [agentId] };
  filters(select, query);
  return searchLexical(
    q,
    { table: "messages", alias: "m", where: select.where, params: select.params },
    query,
  );
}

/** Messages nearest to an embedding by cosine (score = similarity), best first; same dimension only. */
export async function searchMessagesVector(
  q: Q,
  agentId: string,
  embedding: Float32Array,
  query: { limit: number; roles?: Role[]; start?: string; end?: string },
  pgvector: boolean,
): Promise<RankedId[]> {
  if (query.limit <= 0 || embedding.length === 0) return [];
  const select: Select = {
    columns: "",
    from: "",
    where: ["m.agent_id = ?", "m.dim = ?"],
    params: [agentId, embedding.length],
  };
  filters(select, query);
  if (pgvector) {
    const rows = await q.all<RankedId>(
      `SELECT m.id AS id, 1 - (m.vec <=> ?::vector) AS score FROM messages m
       WHERE ${select.where.join(" AND ")} ORDER BY m.vec <=> ?::vector, m.seq DESC LIMIT ?`,
      vectorLiteral(embedding),
      ...select.params,
      vectorLiteral(embedding),
      query.limit,
    );
    return rows.filter((r) => r.score !== null && !Number.isNaN(r.score));
  }
  const rows = await q.all<{ id: string; seq: number; embedding: Buffer }>(
    `SELECT m.id, m.seq, m.embedding FROM messages m WHERE ${select.where.join(" AND ")}`,
    ...select.params,
  );
  return topByCosine(embedding, rows, query.limit);
}

/** For each of the agent's message ids, the nearest conversation turns (kind null, role in `roles`, within
 * start/end) before and after it by (created_at, seq), on the messages_agent_created index. */
export async function messageNeighbours(
  q: Q,
  agentId: string,
  ids: string[],
  f: { roles?: Role[]; start?: string; end?: string } = {},
): Promise<Neighbours[]> {
  if (ids.length === 0) return [];
  const select: Select = {
    columns: "",
    from: "",
    where: ["m.agent_id = h.agent_id", "m.kind IS NULL"],
    params: [],
  };
  filters(select, { ...f, roles: f.roles?.length ? f.roles : ["user", "assistant"] });
  const text = messageNeighbourSql(select.where.join(" AND "), "= ANY(?::text[])");
  return inAskedOrder(ids, await q.all<Neighbours>(text, ...select.params, ...select.params, agentId, ids));
}
