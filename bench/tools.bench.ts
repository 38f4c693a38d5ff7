// `npm run bench -- tools [case] [calls]`: per-call overhead of tools. Cases: sandbox (a trivial custom
// tool in JavaScript and Python, cold and warm, bench/tools-sandbox.ts), mcp (an MCP round trip over
// stdio and streamable HTTP, bench/tools-mcp.ts). Each case is a module returning rows; this file prints
// them and writes bench/results/tools.json (rows of every case run, keyed by case).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mcpRoundTrips } from "./tools-mcp.ts";
import { sandboxCalls } from "./tools-sandbox.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

const CASES: Record<string, (calls: number) => Promise<object[]>> = {
  sandbox: sandboxCalls,
  mcp: mcpRoundTrips,
};

export default async function toolsBench(args: string[]): Promise<void> {
  const wanted = args[0] && args[0] in CASES ? [args[0]] : Object.keys(CASES);
  const calls = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
  const file = join(root, "bench/results/tools.json");
  const results: Record<string, unknown> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  for (const name of wanted) {
    const load = loadavg()[0];
    const rows = await CASES[name](calls);
    console.table(rows);
    results[name] = {
      rows,
      node: process.version,
      cpu: cpus()[0]?.model ?? "",
      load_before: Number(load.toFixed(2)),
      date: new Date().toISOString(),
    };
  }
  mkdirSync(join(root, "bench/results"), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log("wrote bench/results/tools.json");
}
