import type { Reporter, TestModule } from "vitest/node";

/** Prints the closing `N passed, N failed[, N skipped]` line that CI reads. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = errors.length;
    let skipped = 0;
    for (const mod of testModules) {
      if (mod.state() === "failed" && [...mod.children.allTests()].length === 0) failed++;
      for (const t of mod.children.allTests()) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failed++;
        else skipped++;
      }
    }
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    // Printed after vitest's own summary so it is the last line of the run.
    process.on("exit", () => process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`));
  }
}
