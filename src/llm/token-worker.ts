// Token counts of long texts on a worker thread. Counting is linear once long runs are cut
// (token-pieces.ts), but still about 1 µs per character of a random word and 0.1 µs of prose: a 5 MB
// message is seconds of CPU, and on the main thread every agent and HTTP request of the process would
// wait for it. One worker, started on first use, counts jobs in arrival order; it holds the event loop
// open only while a job is pending. If it fails, the jobs waiting on it fail and the next one starts a
// new worker (worker-jobs.ts).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { type WorkerAnswer, WorkerJobs } from "../worker-jobs.ts";
import { COUNT_PIECES_JS, MAX_RUN } from "./token-pieces.ts";

// Plain CommonJS evaluated in the worker, so it loads the same way under tsx, from dist, or bundled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
${COUNT_PIECES_JS}
const encoders = new Map();
const PLAIN_TEXT = { disallowedSpecial: new Set() };
function encoder(name) {
  let enc = encoders.get(name);
  if (!enc) {
    enc = require(workerData.paths[name]);
    // The merge memo keys whole pieces: bounded lower than the default 100,000, which for the slices of
    // random words held ~150 MB.
    enc.setMergeCacheSize(10000);
    encoders.set(name, enc);
  }
  return enc;
}
// With a limit, text is counted in spans of about 64K characters ending after a space, so that the count
// can stop soon after the limit (a cut at a space changes the sum by a token at most).
function* spans(piece, bounded) {
  const SPAN = 65536;
  if (!bounded || piece.length <= SPAN) return yield piece;
  let at = 0;
  while (at < piece.length) {
    let end = Math.min(piece.length, at + SPAN);
    if (end < piece.length) {
      const space = piece.lastIndexOf(" ", end);
      if (space > at) end = space + 1;
    }
    yield piece.slice(at, end);
    at = end;
  }
}
parentPort.on("message", ({ id, encoding, text, limit }) => {
  try {
    const enc = encoder(encoding);
    const bounded = limit !== Infinity;
    let count = 0;
    outer: for (const piece of countPieces(text, workerData.maxRun)) {
      for (const span of spans(piece, bounded)) {
        count += enc.countTokens(span, PLAIN_TEXT);
        if (count > limit) break outer;
      }
    }
    parentPort.postMessage({ id, count });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
`;

const ENCODINGS = ["o200k_base", "cl100k_base"] as const;

// One worker, started on first use, counts jobs in arrival order (worker-jobs.ts).
const counter = new WorkerJobs<
  { encoding: string; text: string; limit: number },
  WorkerAnswer & { count?: number },
  number
>({
  start() {
    const require = createRequire(import.meta.url);
    const paths = Object.fromEntries(
      ENCODINGS.map((name) => [name, require.resolve(`gpt-tokenizer/cjs/encoding/${name}`)]),
    );
    return new Worker(WORKER_SOURCE, { eval: true, workerData: { paths, maxRun: MAX_RUN } });
  },
  result: (m) => m.count ?? 0,
  error: (message) => new Error(`token count failed: ${message}`),
  what: "token worker",
});

/** Tokens of `text` under `encoding`, counted on the worker; stops once past `limit` (then > limit). */
export function countOnWorker(
  encoding: string,
  text: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<number> {
  return counter.run({ encoding, text, limit });
}
