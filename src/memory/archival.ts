// Archival memory: passages the agent (or the API) files away, ranked by the one ranker like recall. Inserting builds
// the record (and its embedding); the caller decides when it is written: the memory tool queues it in the
// step's commit, the API writes it at once.
import type { Embedder } from "../embed/types.ts";
import type { PassageFilter, PassageRecord, RankedId, Store } from "../store/types.ts";
import { newId } from "../store/index.ts";
import { passageCorpus } from "./corpora.ts";
import { dateBound } from "./dates.ts";
import { rankItems } from "./ranker.ts";
import type { MemoryDeps } from "./recall.ts";

export interface ArchivalInsert {
  passage: PassageRecord;
  embedding?: Float32Array;
}

export interface ScoredPassage {
  passage: PassageRecord;
  score: number;
}

/** Filter and paging of an archival search. */
export interface ArchivalSearchOptions {
  tags?: string[];
  tagMatch?: "any" | "all";
  limit?: number;
  offset?: number;
  start?: string;
  end?: string;
}

/** Options of the runtime's one-call form (agent-scoped filter and paging in one object). */
export interface ArchivalSearchInput extends ArchivalSearchOptions {
  agentId: string;
  query: string;
}

function cleanTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0))];
}

async function buildPassage(deps: MemoryDeps, agentId: string, text: string, tags: string[], now: string) {
  const passage: PassageRecord = {
    id: newId("passage"),
    agentId,
    sourceId: null,
    fileId: null,
    text,
    tags: cleanTags(tags),
    metadata: {},
    embeddingModel: deps.embedder?.handle ?? null,
    createdAt: now,
  };
  if (!deps.embedder) return { passage };
  const [embedding] = await deps.embedder.embed([text], { signal: deps.signal });
  return { passage, embedding };
}

/** Builds an archival passage (and its embedding when an embedder is configured); writes nothing. */
export function insertArchival(
  deps: MemoryDeps,
  agentId: string,
  text: string,
  tags: string[],
  now: string,
): Promise<ArchivalInsert>;
/** The one-call form: builds the passage and writes it now; returns the written passages. */
export function insertArchival(
  store: Store,
  embedder: Embedder | null,
  input: { agentId: string; text: string; tags?: string[]; now: string },
): Promise<PassageRecord[]>;
export async function insertArchival(
  a: MemoryDeps | Store,
  b: string | Embedder | null,
  c: string | { agentId: string; text: string; tags?: string[]; now: string },
  tags: string[] = [],
  now = "",
): Promise<ArchivalInsert | PassageRecord[]> {
  if (typeof c === "string") return buildPassage(a as MemoryDeps, b as string, c, tags, now);
  const store = a as Store;
  const item = await buildPassage(
    { store, embedder: b as Embedder | null },
    c.agentId,
    c.text,
    c.tags ?? [],
    c.now,
  );
  await store.insertPassages([item]);
  return [item.passage];
}

async function hybridPassages(
  deps: MemoryDeps,
  filter: PassageFilter,
  q: { query: string; limit: number; offset?: number },
): Promise<ScoredPassage[]> {
  const { store, embedder } = deps;
  const offset = Math.max(0, q.offset ?? 0);
  const limit = Math.max(0, q.limit);
  const f: PassageFilter = {
    ...filter,
    start: dateBound(filter.start, "start", "start_datetime"),
    end: dateBound(filter.end, "end", "end_datetime"),
  };
  const query = q.query.trim();
  let ranked: RankedId[];
  if (query === "") {
    const recent = await store.listPassages(f, { order: "desc", limit: offset + limit });
    ranked = recent.map((p, i) => ({ id: p.id, score: 1 / (i + 1) }));
  } else {
    const corpus = passageCorpus(store, f, query, embedder, deps.signal);
    ranked = await rankItems(corpus, query, { depth: Math.max(100, (offset + limit) * 3) });
  }
  const page = ranked.slice(offset, offset + limit);
  const byId = new Map((await store.getPassages(page.map((r) => r.id))).map((p) => [p.id, p]));
  return page.flatMap((r) => {
    const passage = byId.get(r.id);
    return passage ? [{ passage, score: r.score }] : [];
  });
}

/** Hybrid search over passages matching `filter`, best first. */
export function searchArchival(
  deps: MemoryDeps,
  filter: PassageFilter,
  q: { query: string; limit: number; offset?: number },
): Promise<ScoredPassage[]>;
/** The one-call form used by the runtime API. */
export function searchArchival(
  store: Store,
  embedder: Embedder | null,
  input: ArchivalSearchInput,
): Promise<ScoredPassage[]>;
export function searchArchival(
  a: MemoryDeps | Store,
  b: PassageFilter | Embedder | null,
  c: { query: string; limit: number; offset?: number } | ArchivalSearchInput,
): Promise<ScoredPassage[]> {
  if ("store" in a) {
    return hybridPassages(a, b as PassageFilter, c as { query: string; limit: number; offset?: number });
  }
  const input = c as ArchivalSearchInput;
  const filter: PassageFilter = {
    agentId: input.agentId,
    tags: input.tags && input.tags.length > 0 ? input.tags : undefined,
    tagMatch: input.tagMatch,
    start: input.start,
    end: input.end,
  };
  return hybridPassages({ store: a, embedder: b as Embedder | null }, filter, {
    query: input.query,
    limit: input.limit ?? 10,
    offset: input.offset,
  });
}
