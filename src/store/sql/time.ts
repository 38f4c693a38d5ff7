// Timestamps as both stores keep them: canonical ISO-8601 text, so that text order is time order.

/** Canonical ISO-8601 (ms, Z) so timestamps order correctly as text; unparseable input is kept as is. */
export function canonicalIso(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}

/** An inclusive upper time bound: a bare date means the end of that day. */
export function endBound(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : canonicalIso(value);
}
