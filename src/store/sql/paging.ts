// Cursor paging shared by every list of both stores: items are ordered by (created_at, tiebreak) and
// `after`/`before` name an item whose position bounds the page. An unknown cursor yields an empty page (the
// comparison with a missing row is NULL), which ends a client's auto-iteration instead of restarting it.
import type { Page } from "../types.ts";
import type { Dialect } from "./dialect.ts";

/** A SELECT being assembled: conditions are ANDed, params follow their placeholders in order. */
export interface Select {
  columns: string;
  from: string;
  where: string[];
  params: unknown[];
}

/** The final SQL and params of a paged list over `table` (aliased `alias` in `select.from`). */
export function pagedSql(
  dialect: Dialect,
  select: Select,
  keys: { table: string; alias: string; tiebreak: string },
  q: Page,
): { sql: string; params: unknown[] } {
  const desc = q.order === "desc";
  const where = [...select.where];
  const params = [...select.params];
  const { table, alias, tiebreak } = keys;
  const own = `(${alias}.created_at, ${alias}.${tiebreak})`;
  const cursor = `(SELECT created_at, ${tiebreak} FROM ${table} WHERE id = ?)`;
  if (q.after !== undefined) {
    where.push(`${own} ${desc ? "<" : ">"} ${cursor}`);
    params.push(q.after);
  }
  if (q.before !== undefined) {
    where.push(`${own} ${desc ? ">" : "<"} ${cursor}`);
    params.push(q.before);
  }
  const dir = desc ? "DESC" : "ASC";
  const sql =
    `SELECT ${select.columns} FROM ${select.from}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${alias}.created_at ${dir}, ${alias}.${tiebreak} ${dir} LIMIT ?`;
  params.push(q.limit ?? dialect.noLimit);
  return { sql, params };
}

/** A condition that a JSON-array text column holds any (or all) of the given tags. */
export function tagCondition(
  dialect: Dialect,
  column: string,
  tags: string[],
  all: boolean,
  params: unknown[],
): string {
  if (!all) {
    return `EXISTS (SELECT 1 FROM ${dialect.jsonElements(column)} WHERE ${dialect.oneOf("t.value", tags, params)})`;
  }
  const hits = `SELECT count(DISTINCT t.value) FROM ${dialect.jsonElements(column)} WHERE ${dialect.oneOf("t.value", tags, params)}`;
  params.push(new Set(tags).size);
  return `(${hits}) = ?`;
}
