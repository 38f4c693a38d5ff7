// Recall memory search: every message ever exchanged, ranked by the one ranker (ranker.ts: BM25 and its
// refinements always, vectors fused in when an embedder is configured). Only user and assistant words come
// back: kernel alerts, heartbeats and tool results are noise to a model looking for what was said.
import type { Embedder } from "../embed/types.ts";
import type { MessageRecord, RankedId, Role, StoreReader } from "../store/types.ts";
import { messageCorpus } from "./corpora.ts";
import { dateBound } from "./dates.ts";
import { rankItems } from "./ranker.ts";

/** What memory searches need: the store, and the embedder when vectors are on. */
export interface MemoryDeps {
  store: StoreReader;
  embedder: Embedder | null;
  signal?: AbortSignal;
}

export interface RecallQuery {
  query: string;
  roles?: Array<"user" | "assistant">;
  /** "YYYY-MM-DD" (the whole day) or an ISO time, inclusive. */
  start?: string;
  end?: string;
  /** 0-based page. */
  page?: number;
  pageSize?: number;
  /** Leaves out the messages of this run: the search of a running agent must not find the very message
   * that asked for it (nor the rest of the turn, which is in its context anyway). */
  excludeRunId?: string;
}

export interface RecallPage {
  results: MessageRecord[];
  /** Matches found (up to the search depth). */
  total: number;
  page: number;
  pageSize: number;
}

const SEARCH_DEPTH = 200;
export const DEFAULT_RECALL_PAGE_SIZE = 5;

/**
 * What a person or the model said in a message: user text, assistant text or its send_message argument.
 * "" for kernel-written alerts, tool results and assistant messages that only call other tools.
 */
export function spokenText(m: MessageRecord): string {
  if (m.kind !== null || (m.role !== "user" && m.role !== "assistant")) return "";
  const parts = m.content.flatMap((p) => (p.type === "text" && p.text.trim() ? [p.text] : []));
  if (m.role === "assistant") {
    for (const call of m.toolCalls) {
      if (call.name !== "send_message") continue;
      try {
        const args = JSON.parse(call.arguments) as { message?: unknown };
        if (typeof args.message === "string" && args.message.trim()) parts.push(args.message);
      } catch {
        // unparsable arguments: the call failed and nothing was sent
      }
    }
  }
  return parts.join("\n");
}

/** Hybrid search over the agent's recall memory, best first, one page at a time. */
export async function searchRecall(deps: MemoryDeps, agentId: string, q: RecallQuery): Promise<RecallPage> {
  const { store, embedder } = deps;
  const roles: Role[] = q.roles && q.roles.length > 0 ? q.roles : ["user", "assistant"];
  const start = dateBound(q.start, "start", "start_date");
  const end = dateBound(q.end, "end", "end_date");
  const page = Math.max(0, Math.floor(q.page ?? 0));
  const pageSize = Math.max(1, Math.floor(q.pageSize ?? DEFAULT_RECALL_PAGE_SIZE));
  const query = q.query.trim();

  let ranked: RankedId[];
  const corpus = messageCorpus(
    store,
    agentId,
    { query, roles, start, end },
    spokenText,
    embedder,
    deps.signal,
  );
  if (query === "") {
    // No query: the most recent messages in range.
    const recent = await store.listMessages(agentId, {
      roles,
      start,
      end,
      order: "desc",
      limit: SEARCH_DEPTH,
    });
    ranked = recent.map((m, i) => ({ id: m.id, score: 1 / (i + 1) }));
  } else {
    ranked = (await rankItems(corpus, query, { depth: SEARCH_DEPTH })).slice(0, SEARCH_DEPTH);
  }
  await corpus.read(ranked.map((r) => r.id));
  const records = corpus.records;
  const hits = ranked.flatMap((r) => {
    const m = records.get(r.id);
    if (!m || (q.excludeRunId !== undefined && m.runId === q.excludeRunId)) return [];
    return roles.includes(m.role) && spokenText(m) !== "" ? [m] : [];
  });
  return { results: hits.slice(page * pageSize, (page + 1) * pageSize), total: hits.length, page, pageSize };
}
