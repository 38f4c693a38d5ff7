// What the ranker searches, read from the store: an agent's recall messages, or passages (archival memory
// and document chunks) under a filter. Each reads its candidates once and keeps them for the caller.
import type { Embedder } from "../embed/types.ts";
import type { MessageRecord, PassageFilter, PassageRecord, Role, StoreReader } from "../store/types.ts";
import type { Candidate, RankerCorpus } from "./ranker.ts";

// A transcript line names its speaker before a colon ("Ada: we moved in May"): one to three capitalised
// words. Passages written so get the same speaker handling as messages with a name.
const SPEAKER_PREFIX = /^\s*(\p{Lu}[\p{L}\p{M}.'’-]*(?: \p{Lu}[\p{L}\p{M}.'’-]*){0,2}):\s/u;

/** The speaker a passage's text opens with ("Name: …"), or null. */
export function passageSpeaker(text: string): string | null {
  return text.match(SPEAKER_PREFIX)?.[1] ?? null;
}

/** A corpus that also hands back the records it read, so callers need not read them again. */
export interface RecordCorpus<R> extends RankerCorpus {
  records: Map<string, R>;
}

function vectorSide(
  embedder: Embedder | null | undefined,
  query: string,
  signal: AbortSignal | undefined,
  search: (v: Float32Array, limit: number) => Promise<Array<{ id: string; score: number }>>,
): RankerCorpus["vector"] {
  if (!embedder) return undefined;
  return async (limit) => {
    const [vector] = await embedder.embed([query], { signal });
    return search(vector, limit);
  };
}

/** The agent's messages of `roles` within start/end; `text` tells what of a message is read (spoken text). */
export function messageCorpus(
  store: StoreReader,
  agentId: string,
  q: { query: string; roles: Role[]; start?: string; end?: string },
  text: (m: MessageRecord) => string,
  embedder?: Embedder | null,
  signal?: AbortSignal,
): RecordCorpus<MessageRecord> {
  const records = new Map<string, MessageRecord>();
  const filter = { roles: q.roles, start: q.start, end: q.end };
  return {
    records,
    lexical: (terms, limit) => store.searchMessagesLexical(agentId, { query: terms, limit, ...filter }),
    async read(ids) {
      const missing = ids.filter((id) => !records.has(id));
      for (const m of await store.getMessages(missing)) records.set(m.id, m);
      const out = new Map<string, Candidate>();
      for (const id of ids) {
        const m = records.get(id);
        if (m) out.set(id, { text: text(m), createdAt: m.createdAt, speaker: m.name });
      }
      return out;
    },
    neighbours: (ids) => store.messageNeighbours(agentId, ids, filter),
    vector: vectorSide(embedder, q.query, signal, (v, limit) =>
      store.searchMessagesVector(agentId, v, { limit, ...filter }),
    ),
  };
}

/** Passages matching `filter` (archival memory or document chunks). */
export function passageCorpus(
  store: StoreReader,
  filter: PassageFilter,
  query: string,
  embedder?: Embedder | null,
  signal?: AbortSignal,
): RecordCorpus<PassageRecord> {
  const records = new Map<string, PassageRecord>();
  return {
    records,
    lexical: (terms, limit) => store.searchPassagesLexical(filter, { query: terms, limit }),
    async read(ids) {
      const missing = ids.filter((id) => !records.has(id));
      for (const p of await store.getPassages(missing)) records.set(p.id, p);
      const out = new Map<string, Candidate>();
      for (const id of ids) {
        const p = records.get(id);
        if (p) out.set(id, { text: p.text, createdAt: p.createdAt, speaker: passageSpeaker(p.text) });
      }
      return out;
    },
    neighbours: (ids) => store.passageNeighbours(filter, ids),
    vector: vectorSide(embedder, query, signal, (v, limit) => store.searchPassagesVector(filter, v, limit)),
  };
}
