// The SQL the SQLite and PostgreSQL stores share is written once (sql/), with `?` placeholders (the
// PostgreSQL store numbers them); this is where the two dialects really differ: how a list is bound, how
// a JSON-array text column is read as rows, and what LIMIT says for "no limit".

/** The few pieces of SQL each store writes its own way. */
export interface Dialect {
  /** A condition that `expression` is one of `values`, its parameter pushed onto `params`. */
  oneOf(expression: string, values: readonly unknown[], params: unknown[]): string;
  /** A FROM item of the elements of a JSON-array text column, as rows of `t.value`. */
  jsonElements(column: string): string;
  /** LIMIT's parameter when a page has no limit. */
  noLimit: number | null;
}

/** SQLite: lists as one JSON parameter read by json_each. */
export const sqliteDialect: Dialect = {
  oneOf(expression, values, params) {
    params.push(JSON.stringify(values));
    return `${expression} IN (SELECT value FROM json_each(?))`;
  },
  jsonElements: (column) => `json_each(${column}) t`,
  noLimit: -1,
};

/** PostgreSQL: lists as a text[] parameter. */
export const postgresDialect: Dialect = {
  oneOf(expression, values, params) {
    params.push(values);
    return `${expression} = ANY(?::text[])`;
  },
  jsonElements: (column) => `json_array_elements_text(${column}::json) AS t(value)`,
  noLimit: null,
};
