import { describe, expect, it } from "vitest";
import { chunkText } from "./chunk.ts";

const numbered = (n: number, prefix = "line") =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1} has some words in it.`);

describe("chunkText", () => {
  it("covers every line, in order, with line ranges", () => {
    const lines = numbered(200);
    const chunks = chunkText(lines.join("\n"), { maxTokens: 100, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks[0].startLine).toBe(1);
    expect(chunks.at(-1)?.endLine).toBe(200);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].startLine).toBe(chunks[i - 1].endLine + 1);
    for (const c of chunks) expect(c.text).toBe(lines.slice(c.startLine - 1, c.endLine).join("\n"));
  });

  it("repeats the tail of one chunk at the start of the next", () => {
    const chunks = chunkText(numbered(200).join("\n"), { maxTokens: 100, overlapTokens: 25 });
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i].startLine).toBeLessThanOrEqual(chunks[i - 1].endLine);
      expect(chunks[i].startLine).toBeGreaterThan(chunks[i - 1].startLine);
    }
  });

  it("keeps the heading path in each chunk and starts sections on a new chunk", () => {
    const text = [
      "# Manual",
      ...numbered(30, "intro"),
      "## Install",
      ...numbered(60, "install"),
      "### Linux",
      ...numbered(10, "linux"),
      "## Usage",
      "Run it.",
    ].join("\n");
    const chunks = chunkText(text, { maxTokens: 120, overlapTokens: 10 });
    const install = chunks.filter((c) => c.text.includes("install 40 "));
    expect(install[0].heading).toBe("Manual > Install");
    expect(install[0].text.startsWith("§ Manual > Install\n")).toBe(true);
    const linux = chunks.find((c) => c.text.includes("linux 5 "));
    expect(linux?.heading).toBe("Manual > Install > Linux");
    const usage = chunks.find((c) => c.text.includes("Run it."));
    expect(usage?.text).toContain("## Usage");
    expect(usage?.text).not.toContain("linux");
  });

  it("ignores # lines inside code fences", () => {
    const chunks = chunkText("# Real\n```\n# not a heading\n```\ntext", { maxTokens: 100 });
    expect(chunks.every((c) => c.heading === "Real")).toBe(true);
  });

  it("splits a single very long line into pieces that cover it", () => {
    const line = "x".repeat(10_000);
    const chunks = chunkText(`before\n${line}\nafter`, { maxTokens: 100, overlapTokens: 10 });
    const pieces = chunks.filter((c) => c.startLine === 2);
    expect(pieces.length).toBeGreaterThan(20);
    expect(pieces.every((c) => c.text.length <= 450)).toBe(true);
    expect(pieces.reduce((n, c) => n + c.text.length, 0)).toBeGreaterThanOrEqual(10_000);
    expect(chunks.at(-1)?.text).toBe("after");
  });

  it("returns nothing for blank text", () => {
    expect(chunkText("\n\n  \n")).toEqual([]);
  });
});
