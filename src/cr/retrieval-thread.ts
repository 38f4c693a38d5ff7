// Retrieval on a worker thread (spec §3.3's asynchronous retrieval): the main thread posts a request and
// goes on (decoding), the worker walks the hierarchy with the host forward and replies; compression in
// the background (the memory tier's evicted messages) runs there too. Same weights,
// same math and same walk as `retrieveHost` on the main thread, so both give the same nodes. The thread
// holds the event loop open only while a request is pending; if it dies, every pending request is
// rejected with the cause and later ones are refused (a new RetrievalThread starts a fresh worker).
import { Worker } from "node:worker_threads";
import type { CrModel } from "./checkpoint.ts";
import { type HostWeightArrays, hostWeightArrays } from "./host-weights.ts";
import type { ForestStats } from "./forest.ts";
import { MemoryDb, type MemoryNode } from "./memory-db.ts";
import type { Retrieval, RetrieveOptions } from "./retriever.ts";
import type { ExtendReply, RetrievalReply, RetrievalRequest } from "./retrieval-worker.ts";

function workerEntry(): { spec: string | URL; eval: boolean } {
  const url = new URL(
    `./retrieval-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
    import.meta.url,
  );
  if (!url.pathname.endsWith(".ts")) return { spec: url, eval: false };
  // Sources run through tsx (tests, `npm run lmos`): load the worker through tsx's loader as well.
  const tsx = import.meta.resolve("tsx/esm/api");
  const u = JSON.stringify(url.href);
  return { spec: `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${u}, ${u}))`, eval: true };
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** One retrieval worker thread with its weights and named memory databases. */
export class RetrievalThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #failure: Error | null = null;
  #exited: Promise<void>;

  private constructor(weights: HostWeightArrays) {
    const entry = workerEntry();
    this.#worker = new Worker(entry.spec, { eval: entry.eval });
    this.#worker.unref();
    this.#worker.on("message", (r: RetrievalReply) => this.#settle(r));
    this.#worker.on("error", (e) =>
      this.#fail(new Error(`retrieval worker failed: ${e.message}`, { cause: e })),
    );
    this.#exited = new Promise((resolve) => {
      this.#worker.once("exit", (code) => {
        this.#fail(new Error(`retrieval worker exited (code ${code})`));
        resolve();
      });
    });
    this.#post({ type: "weights", weights });
  }

  /** Starts a worker with the model's merged weights (borrows the model's parameters). */
  static async start(m: CrModel): Promise<RetrievalThread> {
    return new RetrievalThread(await hostWeightArrays(m.cfg, m.base, m.ad));
  }

  /** The worker's thread id; -1 once the thread has stopped. */
  get threadId(): number {
    return this.#worker.threadId;
  }

  /** Sends (or replaces) a memory database under `name`; resolves once the worker has it. */
  async load(name: string, db: MemoryDb): Promise<void> {
    await this.#request((id) => ({ type: "db", id, name, bytes: db.toBytes() }));
  }

  /** Forgets a memory database. */
  drop(name: string): void {
    if (!this.#failure) this.#post({ type: "drop", name });
  }

  /** Walks database `name` top-down for `tokens` on the worker. */
  retrieve(name: string, tokens: number[], opts: RetrieveOptions): Promise<Retrieval> {
    return this.#request((id) => ({ type: "retrieve", id, name, tokens, opts })) as Promise<Retrieval>;
  }

  /** Appends chunks to forest `old` on the worker (its own tensor backend and a copy of the model file
   * at `modelPath`), so the caller's event loop stays free; compresses only what they change
   * (`extendForest`). `changed`: the nodes new or different from `old`. */
  async extend(
    modelPath: string,
    old: MemoryDb,
    chunks: number[][],
    upper: boolean,
  ): Promise<{ db: MemoryDb; changed: MemoryNode[]; stats: ForestStats }> {
    const r = (await this.#request((id) => ({
      type: "extend",
      id,
      modelPath,
      db: old.toBytes(),
      chunks,
      upper,
    }))) as ExtendReply;
    const db = MemoryDb.fromBytes(r.db);
    return { db, changed: r.changed.map((id) => db.get(id)), stats: r.stats };
  }

  /** Test hook: makes the worker throw outside a request, as a bug would. */
  crashForTest(): void {
    this.#post({ type: "crash" });
  }

  /** Stops the worker; pending requests are rejected. Resolves when the thread has exited. */
  async close(): Promise<void> {
    if (!this.#failure) this.#failure = new Error("retrieval worker closed");
    await this.#worker.terminate();
    await this.#exited;
  }

  #post(m: RetrievalRequest): void {
    this.#worker.postMessage(m);
  }

  #request(make: (id: number) => RetrievalRequest): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#post(make(id));
    });
  }

  #settle(r: RetrievalReply): void {
    const p = this.#pending.get(r.id);
    if (!p) return;
    this.#pending.delete(r.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(`retrieval failed: ${r.error}`));
  }

  #fail(e: Error): void {
    if (!this.#failure) this.#failure = e;
    for (const p of this.#pending.values()) p.reject(this.#failure);
    this.#pending.clear();
  }
}
