import { expect, it } from "vitest";
import { reciprocalRankFusion } from "./index.ts";

const list = (...ids: string[]) => ids.map((id, i) => ({ id, score: 10 - i }));

it("ranks documents found high in several lists first", () => {
  const fused = reciprocalRankFusion([list("a", "b", "c"), list("c", "a", "d")]);
  expect(fused.map((r) => r.id)).toEqual(["a", "c", "b", "d"]);
  expect(fused[0].score).toBeCloseTo(1 / 61 + 1 / 62);
  expect(fused[3].score).toBeCloseTo(1 / 63);
});

it("uses k, ignores repeats within a list, and returns [] for nothing", () => {
  expect(reciprocalRankFusion([list("a", "a", "b")], 1).map((r) => [r.id, r.score])).toEqual([
    ["a", 1 / 2],
    ["b", 1 / 4],
  ]);
  expect(reciprocalRankFusion([])).toEqual([]);
  expect(reciprocalRankFusion([[], []])).toEqual([]);
});

it("weights a list's share", () => {
  const lexical = [
    { id: "a", score: 1 },
    { id: "b", score: 0.5 },
  ];
  const vector = [
    { id: "b", score: 1 },
    { id: "c", score: 0.5 },
  ];
  expect(reciprocalRankFusion([lexical, vector], 60, [1, 1]).map((r) => r.id)[0]).toBe("b");
  // At half weight, the vector list no longer lifts its own first above the lexical first.
  const fused = reciprocalRankFusion([lexical, [{ id: "c", score: 1 }]], 60, [1, 0.5]);
  expect(fused.map((r) => r.id)).toEqual(["a", "b", "c"]);
});
