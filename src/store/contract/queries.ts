// Shapes shared by several parts of the Store contract: cursor paging, a lexical query and its ranked
// answer.

export interface Page {
  limit?: number;
  /** Cursor: return items after (before) the item with this id in the given order. */
  after?: string;
  before?: string;
  order?: "asc" | "desc";
}

export interface LexicalQuery {
  query: string;
  limit: number;
  offset?: number;
}

export interface RankedId {
  id: string;
  score: number;
}

/** A hit's adjacent items in its own order (conversation or document), for rankers that read a hit's
 * context: `previous`/`next` is the nearest item before/after it that matches the same filter, or null. */
export interface Neighbours {
  id: string;
  previous: string | null;
  next: string | null;
}
