// The `sandbox` case of `npm run bench -- tools`: per-call overhead of a trivial custom tool (add two
// numbers) through the sandbox pool, each language cold (a fresh pool: the interpreter starts, then the
// first call; 5 runs JavaScript, 3 Python) and warm (calls on the started interpreter after 20 unmeasured).
import { createSandboxPool, type SandboxLanguage } from "../src/tools/index.ts";

const LIMITS = { timeoutMs: 10_000, memoryMb: 64, outputChars: 50_000, network: false };

const SOURCES: Record<SandboxLanguage, string> = {
  javascript: "export function add(a, b) { return a + b }",
  python: "def add(a: int, b: int) -> int:\n    return a + b",
};
const COLD_RUNS: Record<SandboxLanguage, number> = { javascript: 5, python: 3 };

function open(language: SandboxLanguage) {
  const pool = createSandboxPool({ maxWorkers: { [language]: 1 } });
  return {
    async call(i: number) {
      const r = await pool.run({
        language,
        source: SOURCES[language],
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
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const ms = (x: number) => Math.round(x * 1000) / 1000;

/** Rows of the sandbox case: one per language. */
export async function sandboxCalls(calls: number): Promise<object[]> {
  const rows = [];
  for (const language of ["javascript", "python"] as const) {
    const cold: number[] = [];
    for (let r = 0; r < COLD_RUNS[language]; r++) {
      const t0 = performance.now();
      const h = open(language);
      await h.call(0);
      cold.push(performance.now() - t0);
      await h.close();
    }
    const h = open(language);
    for (let i = 0; i < 20; i++) await h.call(i);
    const warm: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await h.call(i);
      warm.push(performance.now() - t0);
    }
    await h.close();
    cold.sort((a, b) => a - b);
    warm.sort((a, b) => a - b);
    rows.push({
      language,
      cold_runs: cold.length,
      cold_p50_ms: ms(pct(cold, 0.5)),
      cold_max_ms: ms(cold[cold.length - 1]),
      warm_calls: warm.length,
      warm_p50_ms: ms(pct(warm, 0.5)),
      warm_p99_ms: ms(pct(warm, 0.99)),
    });
  }
  return rows;
}
