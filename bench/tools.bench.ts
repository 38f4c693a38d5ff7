// `npm run bench -- tools [warm-calls]`: per-call overhead of a trivial custom tool (add two numbers),
// each language cold (a fresh pool: the interpreter starts, then the first call) and warm (calls on the
// started interpreter), p50/p99 in ms. A case is a name plus open() → { call, close }, so other kinds of
// tool (an MCP round trip) add one entry to CASES. Writes bench/results/tools.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createSandboxPool, type SandboxLanguage } from "../src/tools/index.ts";

/** One kind of tool call to measure. */
export interface ToolBenchCase {
  name: string;
  /** Fresh start-ups to time (each: open, first call, close). */
  coldRuns: number;
  open(): Promise<{ call(i: number): Promise<void>; close(): Promise<void> }>;
}

const LIMITS = { timeoutMs: 10_000, memoryMb: 64, outputChars: 50_000, network: false };

function sandboxCase(language: SandboxLanguage, source: string, coldRuns: number): ToolBenchCase {
  return {
    name: `${language} (sandbox pool)`,
    coldRuns,
    async open() {
      const pool = createSandboxPool({ maxWorkers: { [language]: 1 } });
      return {
        async call(i) {
          const r = await pool.run({
            language,
            source,
            entry: "add",
            args: { a: i, b: 1 },
            argOrder: ["a", "b"],
            env: { LETTA_AGENT_ID: "agent-bench" },
            limits: LIMITS,
          });
          if (!r.ok || r.value !== String(i + 1)) throw new Error(`bad result: ${JSON.stringify(r)}`);
        },
        close: () => pool.close(),
      };
    },
  };
}

export const CASES: ToolBenchCase[] = [
  sandboxCase("javascript", "export function add(a, b) { return a + b }", 5),
  sandboxCase("python", "def add(a: int, b: int) -> int:\n    return a + b", 3),
];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const ms = (x: number) => Math.round(x * 1000) / 1000;

export default async function toolsBench(args: string[]): Promise<void> {
  const warmCalls = Number(args[0] ?? 500);
  const rows = [];
  for (const c of CASES) {
    const cold: number[] = [];
    for (let r = 0; r < c.coldRuns; r++) {
      const t0 = performance.now();
      const h = await c.open();
      await h.call(0);
      cold.push(performance.now() - t0);
      await h.close();
    }
    const h = await c.open();
    for (let i = 0; i < 20; i++) await h.call(i); // start-up and JIT out of the way
    const warm: number[] = [];
    for (let i = 0; i < warmCalls; i++) {
      const t0 = performance.now();
      await h.call(i);
      warm.push(performance.now() - t0);
    }
    await h.close();
    cold.sort((a, b) => a - b);
    warm.sort((a, b) => a - b);
    rows.push({
      case: c.name,
      cold_runs: cold.length,
      cold_p50_ms: ms(pct(cold, 0.5)),
      cold_max_ms: ms(cold[cold.length - 1]),
      warm_calls: warm.length,
      warm_p50_ms: ms(pct(warm, 0.5)),
      warm_p99_ms: ms(pct(warm, 0.99)),
    });
  }
  console.table(rows);
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`load average ${load.join(" / ")}, ${new Date().toISOString()}`);
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/tools.json", import.meta.url),
    `${JSON.stringify({ at: new Date().toISOString(), load, rows }, null, 2)}\n`,
  );
}
