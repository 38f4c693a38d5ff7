// `npm run bench -- nested-kv [--scripted] [--model h] [--levels 1,2,3,4] [--seeds 0-10]`: MemGPT's
// nested key-value retrieval (../shared/data/nested-kv/README.md), accuracy per nesting level.
import { mkdirSync, writeFileSync } from "node:fs";
import { nestedKvPolicy } from "./tasks/scripted-policies.ts";
import { runNestedKv } from "./tasks/nested-kv.ts";
import { parseRange, parseTaskArgs, withTaskLmos } from "./tasks/task-env.ts";

export default async function nestedKvBench(argv: string[]): Promise<void> {
  const args = parseTaskArgs(argv);
  const levels = parseRange(args.flags.get("levels") ?? "1,2,3,4");
  // MemGPT's run.sh used seeds 0–10.
  const seeds = parseRange(args.flags.get("seeds") ?? "0-10");
  const report = await withTaskLmos(args, nestedKvPolicy, (lmos, model) =>
    runNestedKv(lmos, {
      model,
      levels,
      seeds,
      onResult: (r) =>
        console.error(
          `L${r.level} seed ${r.seed}: ${r.correct ? "correct" : "wrong"} after ${r.searches.length} search(es)`,
        ),
    }),
  );
  console.log(`nested KV retrieval, model ${report.model}${args.scripted ? " (scripted)" : ""}`);
  console.log("level | correct | total | accuracy");
  for (const [level, a] of Object.entries(report.accuracyByLevel)) {
    console.log(
      `${level.padStart(5)} | ${String(a.correct).padStart(7)} | ${String(a.total).padStart(5)} | ${(a.accuracy * 100).toFixed(1)}%`,
    );
  }
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/nested-kv.json", import.meta.url),
    `${JSON.stringify({ scripted: args.scripted, model: report.model, levels, seeds, accuracyByLevel: report.accuracyByLevel, results: report.results.map(({ searches, ...r }) => ({ ...r, searches: searches.length })) }, null, 2)}\n`,
  );
}
