// `npm run bench -- <suite>`: runs bench/<suite>.ts, whose default export prints a table and writes
// bench/results/<suite>.json.
import { readdirSync } from "node:fs";

const suites = readdirSync(new URL(".", import.meta.url))
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""));
const name = process.argv[2];
if (!name || !suites.includes(name)) {
  console.error(`usage: npm run bench -- <suite>\nsuites: ${suites.join(", ") || "(none yet)"}`);
  process.exit(2);
}
const mod = (await import(`./${name}.bench.ts`)) as { default: (args: string[]) => Promise<void> };
await mod.default(process.argv.slice(3));
