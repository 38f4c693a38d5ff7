// `npm run bench -- fuzz [--runs N] [--seed S] [--route TEXT]… [--except FILE] [--out FILE]`: the HTTP fuzz
// of test/http-fuzz.test.ts as a long campaign — N requests per route of /openapi.json (default 300; the
// test sends 12) from seed S (default: random, printed), on every route or those whose "METHOD /path"
// contains one of the TEXTs, less the routes an earlier campaign's results FILE lists (to fuzz only the
// routes added since). Prints per route how many answers were 2xx, 4xx, 5xx or dropped connections, and the
// first violation of each route; exits 1 if any. Writes bench/results/fuzz.json (or FILE).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { openFuzzTarget, sendRaw, violation } from "../test/fuzz/harness.ts";
import { operations } from "../test/fuzz/requests.ts";

export default async function fuzzBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: "string" },
      seed: { type: "string" },
      route: { type: "string", multiple: true },
      except: { type: "string" },
      out: { type: "string" },
    },
  });
  const done = new Set(
    values.except
      ? (JSON.parse(readFileSync(values.except, "utf8")) as { rows: Array<{ route: string }> }).rows.map(
          (r) => r.route,
        )
      : [],
  );
  const wanted = (route: string) =>
    !done.has(route) && (!values.route?.length || values.route.some((t) => route.includes(t)));
  const runs = Number(values.runs ?? 300);
  const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  console.log(`fuzz: ${runs} requests per route, seed ${seed}`);
  const target = await openFuzzTarget();
  const rows: Array<Record<string, string | number>> = [];
  const violations: string[] = [];
  const t0 = performance.now();
  try {
    for (const [route, arb] of operations(target.doc, target.known, target.extras)) {
      if (!wanted(route)) continue;
      const row = { route, "2xx": 0, "4xx": 0, "5xx": 0, dropped: 0 };
      let first = "";
      for (const req of fc.sample(arb, { seed, numRuns: runs })) {
        const answer = await sendRaw(target.fx.url, req).catch((e: Error) => e);
        if (answer instanceof Error) row.dropped++;
        else if (answer.status >= 500) row["5xx"]++;
        else if (answer.status >= 400) row["4xx"]++;
        else row["2xx"]++;
        const problem = violation(answer);
        if (problem && !first) {
          const body = req.body
            ? ` with body ${JSON.stringify(req.body.toString("latin1").slice(0, 300))}`
            : "";
          first = `${route}: ${req.method} ${req.path.slice(0, 1000)}${body} → ${problem}`;
        }
      }
      if (first) violations.push(first);
      rows.push(row);
    }
    const health = await target.fx.call("GET", "/v1/health/");
    if (health.status !== 200) violations.push(`health answered ${health.status} after the campaign`);
  } finally {
    await target.fx.close();
  }
  const seconds = Math.round((performance.now() - t0) / 1000);
  console.table(rows);
  const total = rows.reduce(
    (n, r) => n + Number(r["2xx"]) + Number(r["4xx"]) + Number(r["5xx"]) + Number(r.dropped),
    0,
  );
  console.log(
    `${total} requests over ${rows.length} routes in ${seconds} s; ${violations.length} routes with a violation`,
  );
  for (const v of violations) console.log(`  ${v}`);
  const out = resolve(values.out ?? join(import.meta.dirname, "results/fuzz.json"));
  mkdirSync(dirname(out), { recursive: true });
  const except = values.except ?? null;
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), seed, runs, except, total, seconds, violations, rows }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
  if (violations.length) process.exitCode = 1;
}
