// Mastra memory (@mastra/memory 0.15 semantic recall, @mastra/core 0.24 — the newest line on Node 20 —
// with @mastra/libsql storage and vectors), set up as its docs show: one thread per conversation, each turn
// a message (speaker A as user, B as assistant) dated with its session, embedded by the AI SDK's OpenAI
// provider pointed at the bench's server; each question through Memory.rememberMessages (what a Mastra agent calls before a step).
// Semantic recall returns its hits in time order, not by score, so the ranking is built from three
// queries, topK 1, 5 and 10 (no neighbouring messages, no last messages): recall@1/5/10 are exact, MRR is
// taken within those bands. The latency is that of the topK 10 query.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocomoPeer, turnText } from "../peer.ts";
import { turnDates } from "./lmos-archival.ts";
import { importPeerModule, NOT_INSTALLED } from "./installed.ts";

interface MastraMemory {
  saveThread(args: { thread: Record<string, unknown> }): Promise<unknown>;
  saveMessages(args: { messages: Record<string, unknown>[] }): Promise<unknown>;
  rememberMessages(args: {
    threadId: string;
    resourceId?: string;
    vectorMessageSearch: string;
    config: Record<string, unknown>;
  }): Promise<{ messagesV2: Array<{ id: string }> }>;
}
type MemoryModule = { Memory: new (config: unknown) => MastraMemory };
type LibsqlModule = {
  LibSQLStore: new (config: { url: string }) => unknown;
  LibSQLVector: new (config: { connectionUrl: string }) => unknown;
};
type OpenAIModule = {
  createOpenAI(config: { baseURL: string; apiKey: string }): { embedding(model: string): unknown };
};

const recallConfig = (topK: number) => ({
  lastMessages: false,
  semanticRecall: { topK, messageRange: 0, scope: "thread" },
});

const peer: LocomoPeer = {
  name: "Mastra (@mastra/memory 0.15.13 semantic recall, libsql)",
  embedder: "bench USE-lite",
  async run(conv, questions, env) {
    const [memoryMod, libsql, openai] = await Promise.all([
      importPeerModule<MemoryModule>("@mastra/memory"),
      importPeerModule<LibsqlModule>("@mastra/libsql"),
      importPeerModule<OpenAIModule>("@ai-sdk/openai"),
    ]);
    if (!memoryMod || !libsql || !openai) return { skipped: NOT_INSTALLED };
    if (!env?.embeddingsBaseUrl) return { skipped: "no embedder served in this run (Mastra needs one)" };
    const dir = mkdtempSync(join(tmpdir(), "mastra-locomo-"));
    try {
      const provider = openai.createOpenAI({ baseURL: env.embeddingsBaseUrl, apiKey: "bench" });
      const memory = new memoryMod.Memory({
        storage: new libsql.LibSQLStore({ url: `file:${join(dir, "memory.db")}` }),
        vector: new libsql.LibSQLVector({ connectionUrl: `file:${join(dir, "vectors.db")}` }),
        embedder: provider.embedding(env.embeddingModel ?? "bench-embedder"),
        options: recallConfig(10),
      });
      const threadId = `thread-${conv.sampleId}`;
      const resourceId = `user-${conv.sampleId}`;
      const now = new Date();
      await memory.saveThread({
        thread: { id: threadId, resourceId, title: conv.sampleId, createdAt: now, updatedAt: now },
      });
      const dates = turnDates(conv);
      const byMessage = new Map<string, string>();
      const messages = conv.sessions.flatMap((s) =>
        s.turns.map((t) => {
          const id = `${conv.sampleId}-${t.diaId}`;
          byMessage.set(id, t.diaId);
          return {
            id,
            threadId,
            resourceId,
            role: t.speaker === conv.speakers[0] ? "user" : "assistant",
            type: "text",
            content: turnText(t),
            createdAt: new Date(dates.get(t.diaId) ?? now),
          };
        }),
      );
      for (let i = 0; i < messages.length; i += 100) {
        await memory.saveMessages({ messages: messages.slice(i, i + 100) });
      }
      const recall = async (question: string, topK: number) =>
        (
          await memory.rememberMessages({
            threadId,
            resourceId,
            vectorMessageSearch: question,
            config: recallConfig(topK),
          })
        ).messagesV2.flatMap((m) => byMessage.get(m.id) ?? []);
      const ranked: string[][] = [];
      const latenciesMs: number[] = [];
      for (const q of questions) {
        const t0 = performance.now();
        const top10 = await recall(q.question, 10);
        latenciesMs.push(performance.now() - t0);
        const order = [...(await recall(q.question, 1)), ...(await recall(q.question, 5)), ...top10];
        ranked.push([...new Set(order)]);
      }
      return { ranked, latenciesMs };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default peer;
