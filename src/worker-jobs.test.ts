// WorkerJobs over real worker threads: answers by id, a job's own error fails that job only, a worker
// that dies fails the jobs waiting on it and the next job gets a new worker.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { type WorkerAnswer, WorkerJobs } from "./worker-jobs.ts";

// Doubles `n` after `ms`; n < 0 is a failed job; n === 13 exits the worker (its process.exit ends the thread).
const SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", ({ id, n, ms }) => {
  setTimeout(() => {
    if (n === 13) process.exit(3);
    if (n < 0) parentPort.postMessage({ id, error: "negative " + n });
    else parentPort.postMessage({ id, doubled: n * 2 });
  }, ms ?? 0);
});
`;

function jobs() {
  let started = 0;
  const pool = new WorkerJobs<{ n: number; ms?: number }, WorkerAnswer & { doubled?: number }, number>({
    start() {
      started++;
      return new Worker(SOURCE, { eval: true });
    },
    result: (m) => m.doubled ?? Number.NaN,
    error: (message) => new Error(`job failed: ${message}`),
    what: "test worker",
  });
  return { pool, started: () => started };
}

describe("WorkerJobs", () => {
  it("answers each job by its id, on one worker", async () => {
    const { pool, started } = jobs();
    const answers = await Promise.all([pool.run({ n: 1, ms: 30 }), pool.run({ n: 2 }), pool.run({ n: 3 })]);
    expect(answers).toEqual([2, 4, 6]);
    expect(started()).toBe(1);
  });

  it("fails a job that failed, and only that one", async () => {
    const { pool } = jobs();
    const bad = pool.run({ n: -1 });
    const good = pool.run({ n: 5 });
    await expect(bad).rejects.toThrow("job failed: negative -1");
    await expect(good).resolves.toBe(10);
  });

  it("fails the waiting jobs when the worker exits, then starts a new one", async () => {
    const { pool, started } = jobs();
    const waiting = pool.run({ n: 4, ms: 200 });
    const fatal = pool.run({ n: 13 });
    await expect(fatal).rejects.toThrow("the test worker exited (code 3)");
    await expect(waiting).rejects.toThrow("the test worker exited (code 3)");
    await expect(pool.run({ n: 6 })).resolves.toBe(12);
    expect(started()).toBe(2);
  });
});
