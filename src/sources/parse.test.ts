import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LmosError } from "../errors.ts";
import { checkFileName } from "./file-type.ts";
import { parseDocument } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../../test/fixtures/docs", name));

async function parseError(name: string, bytes: Uint8Array): Promise<LmosError> {
  const e = await parseDocument(name, bytes).catch((err: unknown) => err);
  expect(LmosError.is(e)).toBe(true);
  return e as LmosError;
}

describe("parseDocument", () => {
  it("reads the text layer of a PDF", async () => {
    const doc = await parseDocument("report.pdf", fixture("report.pdf"));
    expect(doc.fileType).toBe("application/pdf");
    expect(doc.text).toContain("Revenue grew 12 percent in the third quarter.");
    expect(doc.text.split("\n")).toHaveLength(3);
  });

  it("turns docx headings into markdown headings", async () => {
    const doc = await parseDocument("policy.docx", fixture("policy.docx"));
    expect(doc.text).toBe(
      "# Travel Policy\n\nEmployees book economy class for flights under six hours.\n\n## Meals\n\nThe daily meal allowance is 45 euros.",
    );
  });

  it("keeps HTML headings and lists, drops scripts, styles and the head", async () => {
    const doc = await parseDocument("guide.html", fixture("guide.html"));
    expect(doc.text).toBe(
      "# Install Guide\n\nRun the installer & follow the prompts.\n\n## Troubleshooting\n\n- Restart the service.\n- Check the logs in /var/log.",
    );
  });

  it("reads markdown, csv and json as text; pretty-prints one-line JSON that is long", async () => {
    expect((await parseDocument("notes.md", fixture("notes.md"))).text).toContain("## Budget");
    expect((await parseDocument("prices.csv", fixture("prices.csv"))).text).toContain("pear,0.90");
    expect((await parseDocument("config.json", fixture("config.json"))).fileType).toBe("application/json");
    const long = JSON.stringify({
      items: Array.from({ length: 300 }, (_, i) => ({ id: i, name: `item ${i}` })),
    });
    const doc = await parseDocument("items.json", new TextEncoder().encode(long));
    expect(doc.text.split("\n").length).toBeGreaterThan(300);
  });

  it("normalises CRLF and strips a BOM", async () => {
    const doc = await parseDocument("a.txt", new TextEncoder().encode("\ufeffone\r\ntwo\rthree"));
    expect(doc.text).toBe("one\ntwo\nthree");
  });

  it("refuses encrypted, corrupt, empty and binary files with messages that say why", async () => {
    expect((await parseError("encrypted.pdf", fixture("encrypted.pdf"))).message).toMatch(/encrypted PDF/);
    expect((await parseError("corrupt.pdf", fixture("corrupt.pdf"))).message).toMatch(/not a readable PDF/);
    expect((await parseError("empty.txt", fixture("empty.txt"))).message).toMatch(/empty \(0 bytes\)/);
    expect((await parseError("image.bin", fixture("image.bin"))).message).toMatch(/binary/);
    expect((await parseError("photo.txt", fixture("image.bin"))).message).toMatch(/binary/);
    expect((await parseError("broken.docx", new TextEncoder().encode("not a zip"))).message).toMatch(/docx/);
  });

  it("accepts UTF-8 text in any script", async () => {
    const doc = await parseDocument("grüße.txt", new TextEncoder().encode("日本語のテキスト\nΕλληνικά\n"));
    expect(doc.text).toContain("Ελληνικά");
  });
});

describe("checkFileName", () => {
  it("rejects names with path separators", () => {
    expect(() => checkFileName("../etc/passwd")).toThrow(/path separator/);
    expect(() => checkFileName("dir\\file.txt")).toThrow(/path separator/);
    expect(() => checkFileName("")).toThrow(/empty/);
    expect(() => checkFileName("report 2024.pdf")).not.toThrow();
  });
});
