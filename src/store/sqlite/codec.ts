// Maps records to rows and back from one column list per table, so inserts, patches and reads of a
// table cannot drift apart.
import { canonicalIso } from "./sql.ts";

/** How a field is stored: as is, as 0/1, or as JSON text. */
export type ColumnKind = "text" | "int" | "bool" | "json";

/** A table's columns: [record field, column name, kind]. */
export interface Codec<T> {
  table: string;
  columns: ReadonlyArray<readonly [keyof T & string, string, ColumnKind]>;
}

function encodeValue(column: string, kind: ColumnKind, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  // Timestamps are stored canonical so that text order is time order.
  if (typeof value === "string" && column.endsWith("_at")) return canonicalIso(value);
  if (kind === "json") return JSON.stringify(value);
  if (kind === "bool") return value ? 1 : 0;
  return value;
}

/** Named parameters (by column) for the fields present in rec. */
export function encode<T>(codec: Codec<T>, rec: Partial<T>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, column, kind] of codec.columns) {
    if (field in rec) out[column] = encodeValue(column, kind, rec[field]);
  }
  return out;
}

/** The record a row holds. */
export function decode<T>(codec: Codec<T>, row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [field, column, kind] of codec.columns) {
    const v = row[column];
    if (kind === "json") out[field] = v == null ? null : JSON.parse(v as string);
    else if (kind === "bool") out[field] = v === 1;
    else out[field] = v;
  }
  return out as T;
}

/** INSERT of every column, with named parameters. */
export function insertSql<T>(codec: Codec<T>, verb = "INSERT"): string {
  const cols = codec.columns.map((c) => c[1]);
  return `${verb} INTO ${codec.table} (${cols.join(", ")}) VALUES (${cols.map((c) => `@${c}`).join(", ")})`;
}

/** UPDATE of the given columns of the row with @id. */
export function updateSql<T>(codec: Codec<T>, columns: string[]): string {
  return `UPDATE ${codec.table} SET ${columns.map((c) => `${c} = @${c}`).join(", ")} WHERE id = @id`;
}

/** The column list for SELECTs. */
export function selectList<T>(codec: Codec<T>, alias?: string): string {
  return codec.columns.map((c) => (alias ? `${alias}.${c[1]}` : c[1])).join(", ");
}
