import { describe, expect, it } from "vitest";
import { causalMask, scoringMask, segmentedMask } from "./mask.ts";

const rows = (m: Uint8Array, T: number) =>
  Array.from({ length: T }, (_, i) => Array.from(m.subarray(i * T, (i + 1) * T)).join(""));

describe("segmented attention mask (spec §2.2)", () => {
  it("matches the worked example row by row (n = 8, k = 4, m = 2)", () => {
    expect(rows(segmentedMask(8, 4), 10)).toEqual([
      "1000000000",
      "1100000000",
      "1110000000",
      "1111000000",
      "1111100000",
      "1111110000",
      "1111111000",
      "1111111100",
      "1111000010", // M0: segment 0 + itself
      "0000111101", // M1: segment 1 + itself
    ]);
  });

  it("gives a short last segment when k does not divide n, and never attends padding", () => {
    const T = 9;
    const m = rows(segmentedMask(6, 4, T), T);
    expect(m[6]).toBe("111100100");
    expect(m[7]).toBe("000011010");
    expect(m[8]).toBe("000000001"); // padding row sees only itself
    for (const r of m.slice(0, 8)) expect(r[8]).toBe("0");
  });

  it("causal mask with padding, and the scoring mask (candidates see only themselves)", () => {
    expect(rows(causalMask(4, 3), 4)).toEqual(["1000", "1100", "1110", "0001"]);
    expect(rows(scoringMask(3, 2), 5)).toEqual(["10000", "01000", "00100", "11110", "11111"]);
  });
});
