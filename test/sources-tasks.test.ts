// The task runners against the scripted model: the runner drives the real kernel, tools and store, and
// these tests check the tool traffic (which searches ran and what they returned), not the answers.
import { describe, expect, it } from "vitest";
import { runDocQa } from "../bench/tasks/docqa.ts";
import { runNestedKv } from "../bench/tasks/nested-kv.ts";
import { docQaPolicy, nestedKvPolicy } from "../bench/tasks/scripted-policies.ts";
import { parseTaskArgs, withTaskLmos } from "../bench/tasks/task-env.ts";

describe("nested key-value retrieval runner", () => {
  it("follows the chain of keys through archival_memory_search, one search per lookup", async () => {
    const report = await withTaskLmos(parseTaskArgs(["--scripted"]), nestedKvPolicy, (lmos, model) =>
      runNestedKv(lmos, { model, levels: [1, 2, 3], seeds: [0] }),
    );
    expect(report.results).toHaveLength(3);
    for (const r of report.results) {
      expect(r.chain).toHaveLength(r.level);
      // L lookups of the chain, then one search showing the final value is not a key.
      expect(r.searches.map((s) => s.args.query)).toEqual([...r.chain, r.answer]);
      r.chain.forEach((key, i) => {
        const next = r.chain[i + 1] ?? r.answer;
        expect(r.searches[i].result).toContain(`Key-value pair: key = ${key}, value = ${next}`);
      });
      expect(r.searches.at(-1)?.result).not.toContain(`key = ${r.answer}`);
    }
    expect(Object.keys(report.accuracyByLevel)).toEqual(["1", "2", "3"]);
  });
});

describe("document QA runner", () => {
  it("searches the attached files and gets back the passage of the file that holds the answer", async () => {
    const report = await withTaskLmos(parseTaskArgs(["--scripted"]), docQaPolicy, (lmos, model) =>
      runDocQa(lmos, { model, documents: 6, questions: 4 }),
    );
    expect(report.results).toHaveLength(4);
    for (const r of report.results) {
      const [search] = r.fileCalls;
      expect(search.name).toBe("search_files");
      expect(String(search.args.query)).toBe(/What is the (.+?)\?/.exec(r.question)?.[1]);
      const top = search.result.split(/\n(?=\[\d+\] )/)[0];
      expect(top).toMatch(new RegExp(`^\\[1\\] docqa-\\w+/${r.file} lines \\d+-\\d+`));
      expect(top).toContain(r.answer);
    }
    // The scripted policy read the answer off the tool result it was shown, so it can cite the file.
    expect(report.results.every((r) => r.correct && r.cited)).toBe(true);
  });
});
