// What each store keeps beside the installation's rows, and how migrate treats it, so that nothing is left
// out silently: a table or column neither copied nor named here is an error (plan.ts).
import type { MessageRecord } from "../types.ts";
import { searchableText } from "../sqlite/messages.ts";
import type { Value } from "./types.ts";

/** Tables whose embeddings SQLite keeps in a side table keyed by seq, and PostgreSQL in the row itself. */
export const EMBEDDING_TABLES: Partial<Record<string, string>> = {
  messages: "message_embeddings",
  passages: "passage_embeddings",
};

/** The columns an embedding side table adds to its table's logical row. */
export const EMBEDDING_COLUMNS = ["dim", "embedding"];

/** The text each full-text index holds for a row (SQLite FTS5 tables, PostgreSQL tsv columns), from the
 * row's logical columns: rebuilt on the target, never copied. */
export const SEARCH_TEXT: Partial<Record<string, (row: Record<string, Value>) => string>> = {
  messages: (r) =>
    searchableText({
      content: JSON.parse(String(r.content)) as MessageRecord["content"],
      toolCalls: JSON.parse(String(r.tool_calls)) as MessageRecord["toolCalls"],
    }),
  passages: (r) => String(r.text),
};

/** SQLite tables that are state about derived data, rebuilt by the target (the full-text watermark). */
export const SQLITE_DERIVED_TABLES = new Set(["messages_fts_state", "sqlite_sequence", "schema_version"]);

/** PostgreSQL columns derived from the row (the tsvector of FTS5's terms and their number, the pgvector
 * copy of the bytea embedding). */
export const POSTGRES_DERIVED_COLUMNS = new Set(["tsv", "terms", "vec"]);

/** PostgreSQL tables that are not installation state: the schema version, the live replicas'
 * heartbeats (which processes are alive now means nothing on another database), and the lexical
 * statistics a trigger keeps from the rows as they are inserted (store/postgres/lexical.ts). */
export const POSTGRES_SKIPPED_TABLES = new Set(["schema_migrations", "processes", "lexical_stats"]);
