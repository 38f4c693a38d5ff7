// The LoCoMo bench's own parts on made-up data: scoring (recall@k, MRR, percentiles), the loader of the
// LoCoMo schema (dates, captions, categories, malformed evidence, annotations never read) and the plain
// BM25 floor.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadLocomo, parseSessionDate } from "../bench/locomo/load.ts";
import type { LocomoQuestion } from "../bench/locomo/peer.ts";
import bm25 from "../bench/locomo/peers/bm25.ts";
import { percentile, recallAt, reciprocalRank, score, scoreByCategory } from "../bench/locomo/score.ts";

const dir = mkdtempSync(join(tmpdir(), "locomo-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scoring", () => {
  it("computes recall@k and reciprocal rank on a hand-made ranking", () => {
    const ranked = ["D1:4", "D1:2", "D2:7", "D1:1", "D3:3", "D2:2"];
    expect(recallAt(ranked, ["D1:2", "D2:2"], 1)).toBe(0);
    expect(recallAt(ranked, ["D1:2", "D2:2"], 5)).toBe(0.5);
    expect(recallAt(ranked, ["D1:2", "D2:2"], 10)).toBe(1);
    expect(reciprocalRank(ranked, ["D2:7", "D2:2"])).toBeCloseTo(1 / 3);
    expect(reciprocalRank(ranked, ["D9:9"])).toBe(0);
    expect(recallAt([], ["D1:1"], 5)).toBe(0);
  });

  it("averages over questions, overall and per category", () => {
    const q = (category: 1 | 2 | 3 | 4, evidence: string[]): LocomoQuestion => ({
      question: "?",
      category,
      evidence,
    });
    const questions = [q(1, ["a", "b"]), q(4, ["c"]), q(4, ["z"])];
    const ranked = [["a", "x", "y", "z", "w", "b"], ["c"], ["q"]];
    const all = score(questions, ranked);
    expect(all.recall5).toBeCloseTo((0.5 + 1 + 0) / 3);
    expect(all.recall10).toBeCloseTo((1 + 1 + 0) / 3);
    expect(all.mrr).toBeCloseTo((1 + 1 + 0) / 3);
    expect(all.hit5).toBeCloseTo(2 / 3);
    const { byCategory } = scoreByCategory(questions, ranked);
    expect(byCategory[1]?.recall5).toBe(0.5);
    expect(byCategory[4]?.recall5).toBe(0.5);
    expect(byCategory[2]).toBeUndefined();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 99)).toBe(5);
  });
});

describe("loader", () => {
  it("reads a file of the LoCoMo schema: sessions in order with dates, captions, scorable questions", () => {
    const file = join(dir, "tiny.json");
    writeFileSync(
      file,
      JSON.stringify([
        {
          sample_id: "made-up-1",
          conversation: {
            speaker_a: "Ines",
            speaker_b: "Tomas",
            session_2_date_time: "9:05 am on 3 June, 2021",
            session_2: [{ speaker: "Tomas", dia_id: "D2:1", text: "The boat is fixed." }],
            session_1_date_time: "7:30 pm on 28 May, 2021",
            session_1: [
              { speaker: "Ines", dia_id: "D1:1", text: "Look at this!", blip_caption: "a red kite" },
              { speaker: "Tomas", dia_id: "D1:2", text: "Nice kite." },
            ],
          },
          qa: [
            { question: "What colour is the kite?", answer: "red", evidence: ["D1:1"], category: 4 },
            { question: "When was the boat fixed?", answer: "June 2021", evidence: ["D2:1"], category: 2 },
            { question: "Broken?", answer: "x", evidence: ["D1:"], category: 1 },
            { question: "Missing?", answer: "x", evidence: ["D7:1"], category: 3 },
            { question: "Unanswerable?", adversarial_answer: "x", evidence: ["D1:2"], category: 5 },
          ],
          session_summary: { session_1_summary: "SECRET SUMMARY" },
          observation: { session_1_observation: "SECRET OBSERVATION" },
        },
      ]),
    );
    const [set] = loadLocomo(file);
    expect(set.conversation.sampleId).toBe("made-up-1");
    expect(set.conversation.speakers).toEqual(["Ines", "Tomas"]);
    expect(set.conversation.sessions.map((s) => s.index)).toEqual([1, 2]);
    expect(set.conversation.sessions[0].date).toBe("2021-05-28T19:30:00.000Z");
    expect(set.conversation.sessions[0].turns[0]).toEqual({
      diaId: "D1:1",
      speaker: "Ines",
      text: "Look at this!",
      caption: "a red kite",
    });
    expect(set.questions.map((q) => q.question)).toEqual([
      "What colour is the kite?",
      "When was the boat fixed?",
    ]);
    expect(set.skipped).toBe(2);
    expect(JSON.stringify(set.conversation)).not.toContain("SECRET");
  });

  it("parses session dates and says what is wrong with a broken file", () => {
    expect(parseSessionDate("12:09 am on 13 September, 2023")).toBe("2023-09-13T00:09:00.000Z");
    expect(parseSessionDate("12:30 pm on 1 Jan, 2024")).toBe("2024-01-01T12:30:00.000Z");
    expect(parseSessionDate("sometime")).toBeUndefined();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{not json");
    expect(() => loadLocomo(bad)).toThrow(/LoCoMo file .*bad\.json/);
    writeFileSync(bad, JSON.stringify([{ sample_id: "x" }]));
    expect(() => loadLocomo(bad)).toThrow(/conversation 0: has no `conversation` object/);
  });
});

describe("plain BM25 floor", () => {
  it("matches raw words only (no stemming) and leaves out turns sharing none", async () => {
    const turns = [
      { diaId: "D1:1", speaker: "Ines", text: "We painted it blue." },
      { diaId: "D1:2", speaker: "Tomas", text: "Fence done." },
      { diaId: "D1:3", speaker: "Ines", text: "Dinner was lovely." },
    ];
    const out = await bm25.run(
      { sampleId: "x", speakers: ["Ines", "Tomas"], sessions: [{ index: 1, dateTime: "", turns }] },
      [{ question: "What colour did they paint the fence?", category: 4, evidence: ["D1:1"] }],
    );
    if ("skipped" in out) throw new Error(out.skipped);
    // No stemming: "paint" does not match "painted"; "Dinner was lovely." shares no word.
    expect(out.ranked[0]).toEqual(["D1:2"]);
    expect(out.latenciesMs).toHaveLength(1);
  });
});
