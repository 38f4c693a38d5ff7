// `npm run bench -- tokens [runs]`: the cost of exact token counts — the first count in a fresh process
// (it loads the encoding: every CLI `send`/`chat` and the server's first step pay it) and the per-call
// cost of counting short messages with the memo bypassed. Writes bench/results/tokens.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./children.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

// Runs in a child so that each measurement starts with nothing loaded.
const CHILD = `
const t0 = performance.now();
const { createTokenCounter } = await import("./src/llm/tokens.ts");
const t1 = performance.now();
const c = createTokenCounter(process.argv[1]);
c.count("hello world");
const t2 = performance.now();
let n = 0;
for (let i = 0; i < 20000; i++) n += c.count("Message " + i + ": the garden, the weather and a book I read about otters.");
const t3 = performance.now();
console.log(JSON.stringify({ import_ms: t1 - t0, first_count_ms: t2 - t1, us_per_short_count: ((t3 - t2) * 1000) / 20000, n }));
`;

export default async function tokensBench(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 5);
  const rows = [];
  for (const handle of ["openai/gpt-4o-mini", "openai/gpt-4"]) {
    const samples = Array.from({ length: runs }, () =>
      JSON.parse(
        execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD, handle], {
          cwd: root,
          encoding: "utf8",
        }),
      ),
    );
    rows.push({
      model: handle,
      first_count_ms: Math.round(median(samples.map((s) => s.first_count_ms))),
      us_per_short_count: Number(median(samples.map((s) => s.us_per_short_count)).toFixed(2)),
      runs,
    });
  }
  console.table(rows);
  mkdirSync(join(root, "bench/results"), { recursive: true });
  writeFileSync(
    join(root, "bench/results/tokens.json"),
    `${JSON.stringify({ rows, node: process.version }, null, 2)}\n`,
  );
  console.log("wrote bench/results/tokens.json");
}
