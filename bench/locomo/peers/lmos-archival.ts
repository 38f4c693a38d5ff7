// lmos, as a user would store a conversation in archival memory: each turn a passage ("Speaker: text",
// the shared photo's caption appended) dated with its session, searched with each question through the
// library's agent.archival.search — the same ranker as the archival_memory_search tool and the REST route.
// Hybrid when the bench serves an embedder (PeerEnv), lexical otherwise.
import { openLmos } from "../../../src/index.ts";
import { type LocomoConversation, type LocomoPeer, type PeerEnv, turnText } from "../peer.ts";
import { type BenchLmosHome, freshLmosHome } from "../stores.ts";

/** The settings an lmos of the bench runs with: its own home (and PostgreSQL schema), embeddings from the
 * bench's server if any. */
export function benchLmosOptions(place: BenchLmosHome, env?: PeerEnv) {
  const embedding = env?.embeddingsBaseUrl ? `openai/${env.embeddingModel ?? "bench-embedder"}` : "none";
  return {
    home: place.home,
    databaseUrl: place.databaseUrl,
    embedding,
    background: false,
    env: {
      LMOS_EMBEDDING: embedding,
      ...(env?.embeddingsBaseUrl ? { OPENAI_BASE_URL: env.embeddingsBaseUrl, OPENAI_API_KEY: "bench" } : {}),
    },
  };
}

/** Each turn's date: its session's, a second per turn so the order within a session is kept. */
export function turnDates(conv: LocomoConversation): Map<string, string> {
  const out = new Map<string, string>();
  let last = 0;
  for (const s of conv.sessions) {
    const base = s.date ? Date.parse(s.date) : last + 1000;
    s.turns.forEach((t, i) => {
      last = Math.max(base + i * 1000, last + 1);
      out.set(t.diaId, new Date(last).toISOString());
    });
  }
  return out;
}

export function lmosArchivalPeer(hybrid: boolean): LocomoPeer {
  return {
    name: hybrid ? "lmos archival (hybrid)" : "lmos archival (lexical)",
    embedder: hybrid ? "bench USE-lite" : "none",
    async run(conv, questions, env) {
      if (hybrid && !env?.embeddingsBaseUrl) return { skipped: "no embedder served in this run" };
      const place = freshLmosHome(env);
      const lmos = await openLmos(benchLmosOptions(place, hybrid ? env : undefined));
      try {
        const agent = await lmos.agents.create({ name: `locomo-${conv.sampleId}` });
        const dates = turnDates(conv);
        const byPassage = new Map<string, string>();
        for (const t of conv.sessions.flatMap((s) => s.turns)) {
          const [p] = await agent.archival.insert(turnText(t), [], { createdAt: dates.get(t.diaId) });
          byPassage.set(p.id, t.diaId);
        }
        const ranked: string[][] = [];
        const latenciesMs: number[] = [];
        for (const q of questions) {
          const t0 = performance.now();
          const hits = await agent.archival.search(q.question, { limit: 10 });
          latenciesMs.push(performance.now() - t0);
          ranked.push(hits.flatMap((h) => byPassage.get(h.passage.id) ?? []));
        }
        return { ranked, latenciesMs };
      } finally {
        await lmos.close();
        await place.dispose();
      }
    },
  };
}

export default lmosArchivalPeer(false);
