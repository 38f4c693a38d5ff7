// The contract every system in the LoCoMo bench implements (lmos itself, plain BM25, mem0, Mastra…):
// given one conversation's turns and its questions, rank the turns (by dia_id) for every question.
// A peer lives in bench/locomo/peers/<name>.ts and default-exports a `LocomoPeer`.

/** One turn of a LoCoMo conversation. `text` is the utterance; `caption` the shared image's caption. */
export interface LocomoTurn {
  diaId: string;
  speaker: string;
  text: string;
  caption?: string;
}

/** One session: its turns and its date as written in the file, plus the parsed date (ISO) when readable. */
export interface LocomoSession {
  index: number;
  dateTime: string;
  /** ISO timestamp parsed from `dateTime`, or undefined when the text is not a date. */
  date?: string;
  turns: LocomoTurn[];
}

/** One conversation as the bench hands it to a peer (annotations such as summaries are never included). */
export interface LocomoConversation {
  sampleId: string;
  speakers: [string, string];
  sessions: LocomoSession[];
}

/** Categories asked: 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop (5, adversarial, is not). */
export type LocomoCategory = 1 | 2 | 3 | 4;

/** A question a peer must answer with a ranking; peers see only `question` (and may ignore the rest). */
export interface LocomoQuestion {
  question: string;
  category: LocomoCategory;
  /** Gold dia_ids: for scoring only — a peer must not read them. */
  evidence: string[];
}

/** What a peer returns: one ranked list of dia_ids per question (best first), and each query's latency. */
export interface PeerRanking {
  ranked: string[][];
  latenciesMs: number[];
}

/** A peer that cannot run here says exactly why; the table prints that reason in its row. */
export interface PeerSkipped {
  skipped: string;
}

/** Where the bench's shared offline embedder is served (OpenAI-compatible `/v1/embeddings`), if any. */
export interface PeerEnv {
  /** e.g. http://127.0.0.1:PORT/v1 — undefined when no embedder is served in this run. */
  embeddingsBaseUrl?: string;
  embeddingModel?: string;
  embeddingDimensions?: number;
  /** The store lmos's peers run on (default sqlite), and the PostgreSQL server when it is postgres. */
  store?: "sqlite" | "postgres";
  databaseUrl?: string;
}

export interface LocomoPeer {
  /** The system's name in the table, e.g. "lmos (lexical)", "bm25", "mem0". */
  name: string;
  /** The embedder it uses, "none" for lexical systems, or "bench" for the one the bench serves (PeerEnv; the
   * table then names its model). */
  embedder: string;
  /** Once per run, before any conversation (install checks, model loads). */
  prepare?(env?: PeerEnv): Promise<void>;
  /** Stores `conv`'s turns fresh (no state from another conversation) and ranks them for each question. */
  run(
    conv: LocomoConversation,
    questions: LocomoQuestion[],
    env?: PeerEnv,
  ): Promise<PeerRanking | PeerSkipped>;
  /** Once per run, after the last conversation (close servers, delete temp files). */
  close?(): Promise<void>;
}

/** The text a turn is indexed as by every peer, so systems compare on the same input. */
export function turnText(turn: LocomoTurn): string {
  return turn.caption
    ? `${turn.speaker}: ${turn.text} [shares a photo of ${turn.caption}]`
    : `${turn.speaker}: ${turn.text}`;
}
