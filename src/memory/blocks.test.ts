import { describe, expect, it } from "vitest";
import { blockRecord } from "../context/records.testkit.ts";
import { ToolError } from "../errors.ts";
import { appendToBlock, findBlock, replaceInBlock, rewriteBlock } from "./index.ts";

describe("core memory edits", () => {
  const human = () => blockRecord("human", "Name: Ada.", { limit: 40 });

  it("append, replace and rewrite return the new value", () => {
    expect(appendToBlock(human(), "Likes teal.")).toBe("Name: Ada.\nLikes teal.");
    expect(appendToBlock(blockRecord("x", ""), "first")).toBe("first");
    expect(replaceInBlock(human(), "Ada", "Ada Lovelace")).toBe("Name: Ada Lovelace.");
    expect(replaceInBlock(human(), " Ada.", "")).toBe("Name:");
    expect(rewriteBlock(human(), "Name: Grace.")).toBe("Name: Grace.");
  });

  it("refuses an edit past the limit, says by how much, and changes nothing", () => {
    const block = human();
    const long = "x".repeat(35);
    expect(() => appendToBlock(block, long)).toThrow(ToolError);
    expect(() => appendToBlock(block, long)).toThrow(
      'the edit to block "human" would be 46 chars, limit is 40; shorten or move details to archival memory',
    );
    expect(() => rewriteBlock(block, "y".repeat(41))).toThrow("would be 41 chars, limit is 40");
    expect(() => replaceInBlock(block, "Ada", long)).toThrow("limit is 40");
    expect(block.value).toBe("Name: Ada.");
  });

  it("refuses read-only blocks", () => {
    const ro = blockRecord("policy", "Be kind.", { readOnly: true });
    for (const edit of [
      () => appendToBlock(ro, "x"),
      () => replaceInBlock(ro, "kind", "nice"),
      () => rewriteBlock(ro, "x"),
    ]) {
      expect(edit).toThrow("This block is read-only and cannot be edited.");
    }
  });

  it("says when old content is not there, and lists the labels for an unknown block", () => {
    expect(() => replaceInBlock(human(), "Grace", "Ada")).toThrow(
      'old content "Grace" not found in memory block "human"',
    );
    expect(() => findBlock([human(), blockRecord("persona", "")], "user")).toThrow(
      'no memory block labelled "user". Your blocks are: "human", "persona".',
    );
  });
});
