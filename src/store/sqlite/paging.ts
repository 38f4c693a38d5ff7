// The shared cursor paging and tag conditions (sql/paging.ts) in SQLite's dialect.
import type { Page } from "../types.ts";
import { sqliteDialect } from "../sql/dialect.ts";
import * as shared from "../sql/paging.ts";

export type { Select } from "../sql/paging.ts";

/** The final SQL and params of a paged list over `table` (aliased `alias` in `select.from`). */
export function pagedSql(
  select: shared.Select,
  keys: { table: string; alias: string; tiebreak: string },
  q: Page,
): { sql: string; params: unknown[] } {
  return shared.pagedSql(sqliteDialect, select, keys, q);
}

/** A condition that a JSON array column holds any (or all) of the given tags. */
export function tagCondition(column: string, tags: string[], all: boolean, params: unknown[]): string {
  return shared.tagCondition(sqliteDialect, column, tags, all, params);
}
