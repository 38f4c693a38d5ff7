// The full-text index of recall memory is written behind the messages, not in each step's commit (map of
// the store's pieces: README.md). Serves searchMessagesLexical, which indexes what is pending first. Not a
// cache, so nothing invalidates it: the watermark row says what is indexed, for every process on the file.
// Indexing a few messages per commit cost FTS5 a new segment (and merge work) every transaction, one of
// the reasons a step commit wrote 28.7 WAL pages (now 16.6: `npm run bench -- commit`). Messages past
// the watermark in messages_fts_state are indexed in one transaction: shortly after they commit (a
// timer), and before a lexical search when any are pending, so a search sees every committed message.
// The watermark commits with the index rows, so a crash only leaves rows for the next flush, by this
// process or any other on the file.
import { searchableText } from "./messages.ts";
import type { Sql } from "./sql.ts";

/** Milliseconds between a commit and the background flush of its messages into the index. */
export const INDEX_DELAY_MS = 200;

/** The seq of the last message in the full-text index. */
function indexedSeq(sql: Sql): number {
  return sql.stmt("SELECT indexed_seq FROM messages_fts_state WHERE id = 1").pluck().get() as number;
}

/** Whether messages past the watermark wait to be indexed (a plain read: no write lock). */
export function messagesPending(sql: Sql): boolean {
  const indexed = indexedSeq(sql);
  const last = sql.stmt("SELECT seq FROM messages ORDER BY seq DESC LIMIT 1").pluck().get() as
    | number
    | undefined;
  return last !== undefined && last > indexed;
}

/** Indexes every message past the watermark, in one transaction; returns how many. */
export function indexPendingMessages(sql: Sql): number {
  return sql.tx(() => {
    const from = indexedSeq(sql);
    const rows = sql.all<{ seq: number; content: string; tool_calls: string }>(
      "SELECT seq, content, tool_calls FROM messages WHERE seq > ? ORDER BY seq",
      from,
    );
    if (!rows.length) return 0;
    const insert = sql.stmt("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)");
    for (const row of rows) {
      const text = searchableText({
        content: JSON.parse(row.content),
        toolCalls: JSON.parse(row.tool_calls),
      });
      insert.run(row.seq, text);
    }
    sql.run("UPDATE messages_fts_state SET indexed_seq = ? WHERE id = 1", rows[rows.length - 1].seq);
    return rows.length;
  });
}

/** Schedules the background flush after commits; `flush()` is the synchronous one before a search. */
export class DeferredMessageIndex {
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly sql: Sql,
    private readonly delayMs = INDEX_DELAY_MS,
  ) {}

  /** Notes that messages were committed: a flush follows within delayMs. */
  added(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // Background work: a busy or closed database leaves the rows to the next flush (search, close, or
      // any process that opens the file), so a failure here loses nothing.
      try {
        if (this.sql.db.open) indexPendingMessages(this.sql);
      } catch {}
    }, this.delayMs);
    this.timer.unref();
  }

  /** Indexes what is pending now. A search must not fail because it cannot write: when another
   * process holds the write lock past busy_timeout, or the file is read-only (a restored copy), the
   * search goes on over what is indexed, and the pending rows wait for the next flush. */
  flush(): void {
    if (!messagesPending(this.sql)) return;
    try {
      indexPendingMessages(this.sql);
    } catch (e) {
      const code = String((e as { code?: string }).code ?? "");
      if (!code.startsWith("SQLITE_BUSY") && !code.startsWith("SQLITE_READONLY")) throw e;
    }
  }

  /** Stops the timer (the store is closing; call flush first to index what is pending). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
