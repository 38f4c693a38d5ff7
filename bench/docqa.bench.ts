// `npm run bench -- docqa [--scripted] [--model h] [--documents 12] [--questions N]`: document QA over
// ingested files; answer accuracy and citation rate.
import { mkdirSync, writeFileSync } from "node:fs";
import { docQaPolicy } from "./tasks/scripted-policies.ts";
import { runDocQa } from "./tasks/docqa.ts";
import { parseTaskArgs, withTaskLmos } from "./tasks/task-env.ts";

export default async function docQaBench(argv: string[]): Promise<void> {
  const args = parseTaskArgs(argv);
  const documents = Number(args.flags.get("documents") ?? 12);
  const questions = args.flags.has("questions") ? Number(args.flags.get("questions")) : undefined;
  const report = await withTaskLmos(args, docQaPolicy, (lmos, model) =>
    runDocQa(lmos, {
      model,
      documents,
      questions,
      onResult: (r) =>
        console.error(`${r.correct ? "correct" : "wrong"}${r.cited ? ", cited" : ""}: ${r.question}`),
    }),
  );
  console.log(`document QA, model ${report.model}${args.scripted ? " (scripted)" : ""}`);
  console.log("documents | questions | accuracy | citation rate");
  console.log(
    `${String(report.documents).padStart(9)} | ${String(report.results.length).padStart(9)} | ${(report.accuracy * 100).toFixed(1).padStart(7)}% | ${(report.citationRate * 100).toFixed(1)}%`,
  );
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/docqa.json", import.meta.url),
    `${JSON.stringify({ scripted: args.scripted, ...report, results: report.results.map(({ fileCalls, ...r }) => ({ ...r, fileCalls: fileCalls.length })) }, null, 2)}\n`,
  );
}
