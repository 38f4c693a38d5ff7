// mem0 (the `mem0ai` TypeScript package, OSS mode), as its docs set it up without a hosted service: turns
// added raw (infer: false, so no LLM extracts facts), one user per conversation, its SQLite-backed
// in-memory vector store, embeddings from the bench's server through mem0's own OpenAI embedder; each
// question through Memory.search (mem0's semantic + BM25 + entity-boost scoring), threshold 0 so every
// candidate may rank.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocomoPeer, turnText } from "../peer.ts";
import { importPeerModule, NOT_INSTALLED } from "./installed.ts";

interface Mem0Memory {
  add(
    messages: string,
    config: { userId: string; metadata?: Record<string, unknown>; infer?: boolean },
  ): Promise<{ results: Array<{ id: string }> }>;
  search(
    query: string,
    config: { filters: { user_id: string }; topK?: number; threshold?: number },
  ): Promise<{ results: Array<{ id: string; metadata?: Record<string, unknown> }> }>;
}
type Mem0Module = { Memory: new (config: unknown) => Mem0Memory };

const peer: LocomoPeer = {
  name: "mem0 (mem0ai 3.3.1, OSS, raw)",
  embedder: "bench USE-lite",
  async run(conv, questions, env) {
    // mem0 sends usage telemetry unless told not to; the bench runs offline.
    process.env.MEM0_TELEMETRY = "false";
    const mod = await importPeerModule<Mem0Module>("mem0ai/oss");
    if (!mod) return { skipped: NOT_INSTALLED };
    if (!env?.embeddingsBaseUrl) return { skipped: "no embedder served in this run (mem0 needs one)" };
    const dir = mkdtempSync(join(tmpdir(), "mem0-locomo-"));
    try {
      const memory = new mod.Memory({
        version: "v1.1",
        embedder: {
          provider: "openai",
          config: { apiKey: "bench", baseURL: env.embeddingsBaseUrl, model: env.embeddingModel },
        },
        vectorStore: {
          provider: "memory",
          config: {
            collectionName: conv.sampleId,
            dimension: env.embeddingDimensions,
            dbPath: join(dir, "vectors.db"),
          },
        },
        // Never called with infer: false; mem0 requires one configured.
        llm: {
          provider: "openai",
          config: { apiKey: "bench", baseURL: env.embeddingsBaseUrl, model: "none" },
        },
        disableHistory: true,
      });
      const userId = conv.sampleId;
      const byMemory = new Map<string, string>();
      for (const t of conv.sessions.flatMap((s) => s.turns)) {
        const added = await memory.add(turnText(t), { userId, metadata: { dia_id: t.diaId }, infer: false });
        for (const r of added.results) byMemory.set(r.id, t.diaId);
      }
      const ranked: string[][] = [];
      const latenciesMs: number[] = [];
      for (const q of questions) {
        const t0 = performance.now();
        const found = await memory.search(q.question, {
          filters: { user_id: userId },
          topK: 10,
          threshold: 0,
        });
        latenciesMs.push(performance.now() - t0);
        ranked.push(found.results.flatMap((r) => byMemory.get(r.id) ?? []));
      }
      return { ranked, latenciesMs };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default peer;
