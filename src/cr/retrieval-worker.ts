// The worker-thread side of asynchronous retrieval (spec §3.3): holds the merged host weights and the
// memory databases it was sent, and answers retrieve requests with the plain-TS forward (host-forward.ts)
// while the main thread goes on decoding. It also compresses (off-loading, spec §3.3: context leaving
// the window is compressed in the background): the first compress request loads the tensor backend and
// the model file here, so the main thread's event loop never runs those kernels. Every request gets a
// reply, an error included; a failure outside a request ends the thread (the main side rejects what waits).
import { parentPort } from "node:worker_threads";
import type { CrModel } from "./checkpoint.ts";
import type { ForestStats } from "./forest.ts";
import { HostScorer } from "./host-forward.ts";
import { type HostWeightArrays, hostWeightsFrom } from "./host-weights.ts";
import { MemoryDb } from "./memory-db.ts";
import { type RetrieveOptions, retrieveHost } from "./retriever.ts";

/** Messages the main thread sends. */
export type RetrievalRequest =
  | { type: "weights"; weights: HostWeightArrays }
  | { type: "db"; id: number; name: string; bytes: Uint8Array }
  | { type: "drop"; name: string }
  | { type: "retrieve"; id: number; name: string; tokens: number[]; opts: RetrieveOptions }
  | {
      type: "extend";
      id: number;
      modelPath: string;
      /** The forest to extend (MemoryDb bytes). */
      db: Uint8Array;
      chunks: number[][];
      upper: boolean;
    }
  /** Test hook: throws outside any request handler, as a bug in the thread would. */
  | { type: "crash" };

/** Replies: one per `db` and `retrieve` request. */
export type RetrievalReply =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error("retrieval-worker.ts runs only as a worker thread");
let scorer: HostScorer | null = null;
const dbs = new Map<string, MemoryDb>();
const models = new Map<string, Promise<CrModel>>();

/** The model file's weights on this thread's own tensor backend (loaded on first use). */
function modelAt(path: string): Promise<CrModel> {
  let m = models.get(path);
  if (!m) {
    m = (async () => {
      const { initTensors } = await import("./tensor/backend.ts");
      await initTensors({ threads: 1 });
      const { loadModel } = await import("./checkpoint.ts");
      return loadModel(path);
    })();
    models.set(path, m);
  }
  return m;
}

/** Reply to `extend`: the extended forest, the ids of its new or changed nodes, the compressor's rows. */
export interface ExtendReply {
  db: Uint8Array;
  changed: string[];
  stats: ForestStats;
}

async function extendChunks(
  modelPath: string,
  old: Uint8Array,
  chunks: number[][],
  upper: boolean,
): Promise<ExtendReply> {
  const m = await modelAt(modelPath);
  const { extendForest } = await import("./forest.ts");
  const r = await extendForest(m.cfg, m.base, m.ad, MemoryDb.fromBytes(old), chunks, { upper });
  return { db: r.db.toBytes(), changed: r.changed.map((n) => n.id), stats: r.stats };
}

port.on("message", (m: RetrievalRequest) => {
  if (m.type === "crash") throw new Error("retrieval worker crashed (test hook)");
  if (m.type === "weights") {
    scorer = new HostScorer(hostWeightsFrom(m.weights));
    return;
  }
  if (m.type === "drop") {
    dbs.delete(m.name);
    return;
  }
  const reply = (r: RetrievalReply) => port.postMessage(r);
  void (async () => {
    if (m.type === "db") {
      dbs.set(m.name, MemoryDb.fromBytes(m.bytes));
      return undefined;
    }
    if (m.type === "extend") return extendChunks(m.modelPath, m.db, m.chunks, m.upper);
    const db = dbs.get(m.name);
    if (!db) throw new Error(`no memory database "${m.name}" on the retrieval worker`);
    if (!scorer) throw new Error("the retrieval worker has no weights");
    return retrieveHost(scorer, db, m.tokens, m.opts);
  })().then(
    (value) => reply({ id: m.id, ok: true, value }),
    (e: unknown) => reply({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
