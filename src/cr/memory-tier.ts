// EXPERIMENTAL: the compressed hierarchy as an agent memory tier. Text written in the synthetic task's
// notation ("T3 K7 = A T3 K1 = C ...") is compressed in 16-token chunks into a per-agent forest
// (incrementally: each call compresses only its new chunks and the upper nodes they change) that is
// persisted through the Store's memory-node records (so it survives a restart); a query is answered
// by top-down retrieval (the host forward: a few ms, it runs on the step's path), and the retrieved raw
// segments are rendered as a context section with where they came from (message id and date). The model
// only knows the synthetic vocabulary, so this tier is a research preview, off unless a flag enables it.
import type { CrModel } from "./checkpoint.ts";
import { VOCAB, tokenName } from "./config.ts";
import { extendForest } from "./forest.ts";
import { HostScorer, hostWeights } from "./host-forward.ts";
import { encodeNode, MemoryDb, type NodeSource } from "./memory-db.ts";
import type { RetrievalThread } from "./retrieval-thread.ts";
import { type Retrieval, retrieveHost } from "./retriever.ts";

/** The part of the Store contract the tier uses (structural: cr imports no other layer). */
export interface MemoryNodeStore {
  putMemoryNodes(
    agentId: string,
    tier: string,
    nodes: Array<{ id: string; data: Uint8Array }>,
  ): Promise<void>;
  getMemoryNodes(agentId: string, tier: string): Promise<Array<{ id: string; data: Uint8Array }>>;
}

/** Structurally the kernel's ContextExtension. */
export interface CompressedMemoryExtension {
  name: string;
  render(agentId: string): Promise<string | null>;
}

/** Store tier name of the compressed forest. */
export const CR_TIER = "cr-hierarchy";
/** Environment flag that turns the experimental tier on. */
export const CR_TIER_FLAG = "LMOS_EXPERIMENTAL_CR";

const NAMES = new Map<string, number>();
for (let id = 0; id < VOCAB.CALL_RET + 1; id++) NAMES.set(tokenName(id), id);

/** Text in the task notation → token ids (unknown words are skipped). */
export function encodeNotation(text: string): number[] {
  return text
    .split(/\s+/)
    .map((w) => NAMES.get(w))
    .filter((x): x is number => x !== undefined && x !== VOCAB.PAD);
}

/** Token ids → notation text. */
export function decodeNotation(ids: number[]): string {
  return ids.map(tokenName).join(" ");
}

/** Text to compress, with the message it came from when known. */
export interface MemoryText {
  text: string;
  source?: NodeSource;
}

/** A retrieved chunk: its text in notation and where it came from. */
export interface RetrievedSegment {
  text: string;
  source?: NodeSource;
}

/** The experimental retriever tier over one model and one store. */
export class CompressedMemory {
  readonly #dbs = new Map<string, MemoryDb>();
  readonly #running = new Map<string, Promise<void>>();
  /** What the compressor was given since this object was made: chunks compressed from their tokens, and
   * nodes above the chunk roots compressed (new or changed), over `jobs` compress calls that added chunks. */
  readonly stats = { jobs: 0, chunks: 0, upper: 0 };
  #scorer: Promise<HostScorer> | null = null;
  /**
   * `offload`: compress on this worker thread, from the model file at `modelPath` (the same weights as
   * `model`), instead of on the caller's thread.
   */
  constructor(
    private readonly model: CrModel,
    private readonly store: MemoryNodeStore,
    private readonly opts: { C: number; nR: number } = { C: 2, nR: 2 },
    private readonly offload?: { thread: RetrievalThread; modelPath: string },
  ) {}

  /** The agent's forest, from the cache or the store. */
  async load(agentId: string): Promise<MemoryDb> {
    const hit = this.#dbs.get(agentId);
    if (hit) return hit;
    const db = MemoryDb.fromRecords(await this.store.getMemoryNodes(agentId, CR_TIER));
    this.#dbs.set(agentId, db);
    return db;
  }

  /**
   * Compresses texts (e.g. evicted messages) into the agent's forest; returns the chunks added.
   * Incremental: only the new chunks go through the compressor, the stored chunk roots stay, and of the
   * levels above them only the nodes the new roots change are compressed again (`extendForest`); the new
   * and changed nodes are stored in one `putMemoryNodes` call (one transaction: a crash leaves the old
   * forest or the new one). A text whose message already has chunks in the forest is skipped, so a job
   * that compresses the same messages again after a crash adds nothing twice. One job per agent at a time.
   */
  compress(agentId: string, texts: Array<string | MemoryText>): Promise<number> {
    const run = (this.#running.get(agentId) ?? Promise.resolve()).then(() => this.#compress(agentId, texts));
    const tail = run.then(
      () => {},
      () => {},
    );
    this.#running.set(agentId, tail);
    void tail.then(() => {
      if (this.#running.get(agentId) === tail) this.#running.delete(agentId);
    });
    return run;
  }

  async #compress(agentId: string, texts: Array<string | MemoryText>): Promise<number> {
    const old = await this.load(agentId);
    const seen = new Set<string>();
    for (const id of old.levels[2] ?? []) {
      const src = old.get(id).source;
      if (src) seen.add(src.messageId);
    }
    const chunks: number[][] = [];
    const sources: Array<NodeSource | undefined> = [];
    for (const t of texts) {
      const item = typeof t === "string" ? { text: t } : t;
      if (item.source && seen.has(item.source.messageId)) continue;
      const ids = encodeNotation(item.text);
      for (let i = 0; i + 16 <= ids.length; i += 16) {
        chunks.push(ids.slice(i, i + 16));
        sources.push(item.source);
      }
    }
    if (chunks.length === 0) return 0;
    const { cfg, base, ad } = this.model;
    const { db, changed, stats } = this.offload
      ? await this.offload.thread.extend(this.offload.modelPath, old, chunks, true)
      : await extendForest(cfg, base, ad, old, chunks, { upper: true });
    const first = (old.levels[2] ?? []).length;
    for (const id of db.levels[2] ?? []) {
      const n = db.get(id);
      const src = sources[n.chunk - first];
      if (n.chunk >= first && src) n.source = src;
    }
    // ids keep their meaning as the forest grows (nodes are only added or replaced), so an upsert of
    // the changed nodes turns the stored forest into `db`
    await this.store.putMemoryNodes(
      agentId,
      CR_TIER,
      changed.map((n) => ({ id: n.id, data: encodeNode(db.get(n.id)) })),
    );
    this.#dbs.set(agentId, db);
    this.stats.jobs++;
    this.stats.chunks += stats.chunks;
    this.stats.upper += stats.upper;
    return chunks.length;
  }

  /** Top-down retrieval for a query in notation ("T3 K7 ="); null when the agent has no memory. */
  async retrieve(
    agentId: string,
    query: string,
  ): Promise<{ segments: string[]; sources: RetrievedSegment[]; retrieval: Retrieval } | null> {
    const db = await this.load(agentId);
    if (db.topLevel < 2) return null;
    const tokens = encodeNotation(query);
    if (tokens.length === 0) return null;
    const { cfg, base, ad } = this.model;
    this.#scorer ??= hostWeights(cfg, base, ad).then((w) => new HostScorer(w));
    const r = await retrieveHost(await this.#scorer, db, tokens, {
      ...this.opts,
      targetLevel: 2,
      tau: 0.1,
      score: this.model.score,
    });
    const found = r.nodes.map((id) => {
      const n = db.get(id);
      return { text: decodeNotation(n.tokens), ...(n.source ? { source: n.source } : {}) };
    });
    return { segments: found.map((f) => f.text), sources: found, retrieval: r };
  }

  /** A context section with the segments retrieved for the agent's current query. */
  extension(queryFor: (agentId: string) => Promise<string | null>): CompressedMemoryExtension {
    return {
      name: "compressed_memory",
      render: async (agentId) => {
        const q = await queryFor(agentId);
        if (!q) return null;
        const r = await this.retrieve(agentId, q);
        if (!r) return null;
        const line = (s: RetrievedSegment) =>
          `- ${s.text}${s.source ? ` (from message ${s.source.messageId}, ${s.source.createdAt})` : ""}`;
        return `Compressed memory (experimental), retrieved for "${q}":\n${r.sources.map(line).join("\n")}`;
      },
    };
  }
}
