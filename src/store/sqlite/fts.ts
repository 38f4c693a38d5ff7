// Turning arbitrary user text into a safe FTS5 query. Users (and models) type anything — quotes,
// colons, AND/NOT, unbalanced parentheses — and none of it may reach FTS5 as syntax.

const MAX_TERMS = 64;

/** An OR of quoted terms (letters/digits only), or null when the text has no searchable term. */
export function ftsQuery(text: string): string | null {
  const terms = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu);
  if (!terms) return null;
  const unique = [...new Set(terms)].slice(0, MAX_TERMS);
  return unique.map((t) => `"${t}"`).join(" OR ");
}
