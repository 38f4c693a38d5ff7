// A minimal global `Worker` for Node 20 (worker_threads), so @jax-js/jax's wasm backend starts its
// multi-threaded pool: jax-js creates workers from a blob: URL and talks through self.onmessage/postMessage.
import { resolveObjectURL } from "node:buffer";
import { Worker as NodeWorker } from "node:worker_threads";

const PRELUDE = `const { parentPort } = require('node:worker_threads');
globalThis.self = globalThis; globalThis.postMessage = (m) => parentPort.postMessage(m);
parentPort.on('message', (data) => globalThis.onmessage && globalThis.onmessage({ data }));\n`;

type Listener = ((e: { data: unknown }) => void) | null;

class ShimWorker {
  #w: NodeWorker | null = null;
  #queue: unknown[] | null = [];
  onmessage: Listener = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(url: string | URL) {
    const blob = resolveObjectURL(String(url));
    if (!blob) throw new Error(`worker shim: unknown blob URL ${String(url)}`);
    void blob.text().then((src) => {
      const w = new NodeWorker(PRELUDE + src, { eval: true });
      w.unref(); // never keep the process alive for idle tensor workers
      w.on("message", (data) => this.onmessage?.({ data }));
      w.on("error", (e) => this.onerror?.(e));
      for (const m of this.#queue ?? []) w.postMessage(m);
      this.#queue = null;
      this.#w = w;
    });
  }
  postMessage(m: unknown): void {
    if (this.#w) this.#w.postMessage(m);
    else this.#queue?.push(m);
  }
  terminate(): void {
    void this.#w?.terminate();
  }
}

/** Installs the shim with `threads` workers; must run before @jax-js/jax is first imported. */
export function installWorkerShim(threads: number): void {
  const g = globalThis as Record<string, unknown>;
  if (g.Worker) return;
  g.Worker = ShimWorker;
  if (!g.navigator) g.navigator = { hardwareConcurrency: threads };
}
