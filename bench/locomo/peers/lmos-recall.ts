// lmos, as a user would bring an existing conversation into an agent's recall memory: a Letta agent file
// whose messages are the turns (role user, name = speaker, created_at = session date), imported with the
// library's importAgentFile, then searched with each question through agent.recall.search — what the
// conversation_search tool and the REST messages search see.
import { importAgentFile, openLmos } from "../../../src/index.ts";
import type { LocomoPeer } from "../peer.ts";
import { freshLmosHome } from "../stores.ts";
import { benchLmosOptions, turnDates } from "./lmos-archival.ts";

const peer: LocomoPeer = {
  name: "lmos recall (lexical)",
  embedder: "none",
  async run(conv, questions, env) {
    const place = freshLmosHome(env);
    const lmos = await openLmos(benchLmosOptions(place));
    try {
      const dates = turnDates(conv);
      const turns = conv.sessions.flatMap((s) => s.turns);
      const file = {
        agents: [
          {
            id: "agent-0",
            name: `locomo-${conv.sampleId}`,
            in_context_message_ids: [],
            messages: turns.map((t, i) => ({
              id: `message-${i}`,
              role: "user",
              name: t.speaker,
              content: [
                { type: "text", text: t.caption ? `${t.text} [shares a photo of ${t.caption}]` : t.text },
              ],
              created_at: dates.get(t.diaId),
            })),
          },
        ],
      };
      const [agentId] = await importAgentFile(lmos, file);
      const stored = await lmos.store.listMessages(agentId, { order: "asc", limit: turns.length + 10 });
      if (stored.length !== turns.length)
        throw new Error(`imported ${stored.length} messages of ${turns.length} turns`);
      const byMessage = new Map(stored.map((m, i) => [m.id, turns[i].diaId]));
      const agent = await lmos.agents.get(agentId);
      const ranked: string[][] = [];
      const latenciesMs: number[] = [];
      for (const q of questions) {
        const t0 = performance.now();
        const hits = await agent.recall.search(q.question, { limit: 10 });
        latenciesMs.push(performance.now() - t0);
        ranked.push(hits.flatMap((h) => byMessage.get(h.message.id) ?? []));
      }
      return { ranked, latenciesMs };
    } finally {
      await lmos.close();
      await place.dispose();
    }
  },
};
export default peer;
