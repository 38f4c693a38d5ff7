import { describe, expect, it } from "vitest";
import { countPieces, MAX_RUN } from "./token-pieces.ts";

describe("countPieces", () => {
  it("leaves text without long runs whole (prose, code and JSON are counted exactly)", () => {
    const prose = "The garden, the weather and a book I read about otters. ".repeat(200);
    expect(countPieces(prose)).toEqual([prose]);
    expect(countPieces("")).toEqual([""]);
  });

  it("cuts every run longer than MAX_RUN, of letters or of spaces, and loses nothing", () => {
    const text = `intro ${"x".repeat(3 * MAX_RUN + 7)} middle${" ".repeat(2 * MAX_RUN + 1)}end`;
    const pieces = countPieces(text);
    expect(pieces.join("")).toBe(text);
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(MAX_RUN + "middle".length + 1);
  });

  it("never splits a surrogate pair", () => {
    const text = "😀".repeat(MAX_RUN * 2);
    const pieces = countPieces(text);
    expect(pieces.join("")).toBe(text);
    for (const p of pieces) {
      const first = p.charCodeAt(0);
      expect(first >= 0xdc00 && first <= 0xdfff).toBe(false);
    }
  });
});
