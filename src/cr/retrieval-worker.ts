// The worker-thread side of asynchronous retrieval (spec §3.3): holds the merged host weights and the
// memory databases it was sent, and answers retrieve requests with the plain-TS forward (host-forward.ts)
// while the main thread goes on decoding. No tensor backend is loaded here. Every request gets a reply,
// an error included; a failure outside a request ends the thread (the main side rejects what waits).
import { parentPort } from "node:worker_threads";
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
    const db = dbs.get(m.name);
    if (!db) throw new Error(`no memory database "${m.name}" on the retrieval worker`);
    if (!scorer) throw new Error("the retrieval worker has no weights");
    return retrieveHost(scorer, db, m.tokens, m.opts);
  })().then(
    (value) => reply({ id: m.id, ok: true, value }),
    (e: unknown) => reply({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
