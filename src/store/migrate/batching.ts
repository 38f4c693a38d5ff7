// How many rows the next read asks for: the batch size, fewer when rows are big (a file's whole text, a
// memory node's tensor), so a batch holds about BATCH_BYTES in memory whatever the table.
import type { Value } from "./types.ts";

/** Roughly what one batch may hold in memory. */
export const BATCH_BYTES = 16 * 1024 * 1024;

function bytes(v: Value): number {
  if (v === null || typeof v === "number") return 8;
  return v.length; // string: UTF-16 units, near enough
}

/** The row limit of the read after `rows`, at most `max` and at least 1. */
export function nextLimit(rows: Value[][], max: number): number {
  if (rows.length === 0) return max;
  let total = 0;
  for (const r of rows) for (const v of r) total += bytes(v);
  const perRow = Math.max(1, total / rows.length);
  return Math.max(1, Math.min(max, Math.floor(BATCH_BYTES / perRow)));
}
