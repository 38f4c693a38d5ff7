// Cursor paging over an already ordered array, for lists the runtime cannot page itself (filtered lists).
/** Items after `after` / before `before` (by id, in the array's order), at most `limit`. */
export function pageArray<T extends { id: string }>(
  items: T[],
  page: { after?: string; before?: string; limit: number },
): T[] {
  let start = 0;
  let end = items.length;
  if (page.after) {
    const i = items.findIndex((x) => x.id === page.after);
    start = i < 0 ? items.length : i + 1;
  }
  if (page.before) {
    const i = items.findIndex((x) => x.id === page.before);
    end = Math.max(i, 0);
  }
  if (end <= start) return [];
  // With only `before`, the page nearest the cursor is wanted (the client walks backwards from it).
  if (page.before && !page.after) return items.slice(Math.max(start, end - page.limit), end);
  return items.slice(start, Math.min(end, start + page.limit));
}
