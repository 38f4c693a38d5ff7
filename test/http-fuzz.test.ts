// Property-based fuzzing of every route of /openapi.json (fast-check): bodies from the schemas and mutated,
// wrong types, huge and deeply nested JSON, bad UTF-8, odd path ids and query strings, content types and
// multipart edge cases. Every answer is a 2xx or a 4xx with {code, message}: never a 5xx, never a dropped
// connection, and the server answers health afterwards. A fixed seed and a fixed number of runs per route
// keep CI time bounded; `npm run bench -- fuzz --runs N --seed S` runs a long campaign.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FuzzTarget, openFuzzTarget, sendRaw, violation } from "./fuzz/harness.ts";
import { operations } from "./fuzz/requests.ts";

const SEED = 19;
const RUNS_PER_ROUTE = 12;

let target: FuzzTarget;
beforeAll(async () => {
  target = await openFuzzTarget();
}, 60_000);
afterAll(async () => target?.fx.close());

describe("every route of /openapi.json, fuzzed", () => {
  it("answers 2xx or 4xx with an error code, never 5xx, and keeps serving", async () => {
    const routes = operations(target.doc, target.known, target.extras);
    expect(routes.length).toBeGreaterThan(50);
    for (const [name, arb] of routes) {
      let first = "";
      await fc
        .assert(
          fc.asyncProperty(arb, async (req) => {
            const problem = violation(await sendRaw(target.fx.url, req).catch((e: Error) => e));
            if (problem) {
              first ||= `${req.method} ${req.path.slice(0, 200)} (${req.body?.length ?? 0} body bytes) → ${problem}`;
              throw new Error(problem);
            }
          }),
          { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        )
        .catch(() => {
          throw new Error(`${name}: ${first}`);
        });
    }
    expect((await target.fx.call("GET", "/v1/health/")).status).toBe(200);
  }, 300_000);
});
