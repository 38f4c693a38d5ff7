// Cursor paging for the CLI's "everything" reads (all agents, all of a run's messages), local or remote.

/** Every item of a cursor-paged list: pages of `size`, each fetched after the id of the previous page's
 * last item, until a short page (or `maxPages` pages). */
export async function allPages<T>(
  size: number,
  fetchPage: (after: string | undefined) => Promise<T[]>,
  idOf: (item: T) => string,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await fetchPage(after);
    out.push(...page);
    if (page.length < size) break;
    after = idOf(page[page.length - 1]);
  }
  return out;
}
