// Which lines match a regular expression, found on a worker thread under a time limit. The pattern comes
// from the model (or a user): a catastrophic one such as /(a+)+$/ backtracks for minutes on a line of
// thirty characters, and on the main thread it would stop every agent and every HTTP request of the
// process. The worker is terminated when the limit passes; the caller gets a ToolError it can act on.
import { Worker } from "node:worker_threads";
import { ToolError } from "../../tools/types.ts";

/** Milliseconds a grep may run before it is stopped. */
export const REGEX_TIME_LIMIT_MS = 3000;

// Plain CommonJS evaluated in the worker, so it loads the same way under tsx, from dist, or bundled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const re = new RegExp(workerData.pattern, workerData.flags);
parentPort.postMessage(workerData.files.map((lines) => {
  const hits = [];
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i])) hits.push(i);
  return hits;
}));
`;

/** For each file (as lines), the 0-based indexes of the lines the pattern matches. The pattern must
 * compile (check it first for a precise error); `limitMs` bounds the whole search. */
export function matchingLines(
  pattern: string,
  flags: string,
  files: string[][],
  limitMs = REGEX_TIME_LIMIT_MS,
): Promise<number[][]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pattern, flags, files } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        new ToolError(
          `The regular expression /${pattern}/ ran longer than ${limitMs / 1000} s and was stopped ` +
            "(nested repetition such as (a+)+ backtracks without end): use a simpler pattern or search_files.",
        ),
      );
    }, limitMs);
    worker.once("message", (hits: number[][]) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(hits);
    });
    worker.once("error", (e) => {
      clearTimeout(timer);
      reject(new ToolError(`grep failed: ${e.message}`));
    });
  });
}
