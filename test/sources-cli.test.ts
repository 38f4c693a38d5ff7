// `lmos sources …` and `lmos ingest …` as a user runs them (in-process runCli, real store in a temp home).
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { progressPrinter } from "../src/cli/commands/ingest.ts";
import { runCli } from "../src/cli/program.ts";

let home: string;
let docs: string;

async function lmos(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const code = await runCli(argv, { stdin: new PassThrough(), stdout, stderr, env: { LMOS_HOME: home } });
  return { code, stdout: out, stderr: err };
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "lmos-cli-src-"));
  docs = join(home, "docs");
  cpSync(join(import.meta.dirname, "fixtures/docs"), docs, {
    recursive: true,
    filter: (p) => !p.endsWith(".ts"),
  });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe("lmos sources / lmos ingest", () => {
  it("exits 0 when every file ingests, and a rerun reports them unchanged", async () => {
    expect((await lmos("sources", "create", "handbook")).code).toBe(0);
    const first = await lmos("ingest", "handbook", join(docs, "*.md"), join(docs, "policy.docx"));
    expect(first).toMatchObject({ code: 0, stdout: "2 ingested, 0 unchanged, 0 failed\n" });
    expect(first.stderr).toContain("ingested (");
    const again = await lmos("ingest", "handbook", join(docs, "notes.md"));
    expect(again.stdout).toBe("0 ingested, 1 unchanged, 0 failed\n");
  });

  it("exits 1 with one line per failed file saying why, after ingesting the rest", async () => {
    await lmos("sources", "create", "mixed");
    const run = await lmos("ingest", "mixed", docs);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("6 ingested, 0 unchanged, 4 failed\n");
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors).toEqual([
      expect.stringMatching(/corrupt\.pdf: corrupt\.pdf is not a readable PDF/),
      expect.stringMatching(/empty\.txt: empty\.txt is empty/),
      expect.stringMatching(/encrypted\.pdf: encrypted\.pdf is an encrypted PDF/),
      expect.stringMatching(/image\.bin: image\.bin is binary/),
      "error: 4 of 10 file(s) failed to ingest",
    ]);
  });

  it("searches with file name and lines, as text or JSON; lists and deletes by name", async () => {
    await lmos("sources", "create", "kb");
    await lmos("ingest", "kb", docs);
    const text = await lmos("sources", "search", "kb", "meal allowance");
    expect(text.stdout).toMatch(/^policy\.docx:1-\d+ {2}\(Travel Policy\)\n/);
    const json = JSON.parse((await lmos("sources", "search", "kb", "Lisbon office", "--json")).stdout);
    expect(json[0]).toMatchObject({ file: "report.pdf", startLine: 1, endLine: 3 });
    expect((await lmos("sources", "list")).stdout).toMatch(/^source-\S+\tkb\t10 file\(s\)\tlexical\n$/);
    expect((await lmos("sources", "delete", "kb")).stdout).toBe("deleted kb\n");
    const missing = await lmos("sources", "search", "kb", "x");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/source "kb" not found/);
  });

  it("attaches and detaches a source to an agent by name", async () => {
    await lmos("sources", "create", "kb");
    await lmos("agents", "create", "--name", "ada");
    expect((await lmos("sources", "attach", "kb", "ada")).stdout).toBe("attached kb to ada\n");
    expect((await lmos("sources", "detach", "kb", "ada")).stdout).toBe("detached kb from ada\n");
  });

  it("draws a redrawn progress bar on a terminal and clears it at the end", () => {
    const err = new PassThrough();
    let text = "";
    err.on("data", (d: Buffer) => {
      text += d.toString();
    });
    const bar = progressPrinter(err, true);
    bar.onProgress({ file: "a.md", phase: "parsing", bytes: 0, totalBytes: 100 });
    bar.onProgress({ file: "a.md", phase: "embedding", bytes: 50, totalBytes: 100 });
    bar.onProgress({ file: "a.md", phase: "done", bytes: 100, totalBytes: 100, chunks: 2 });
    bar.finish();
    expect(text).toContain("\r\x1b[2K[############............] 0 file(s), 0.0 MB  embedding a.md");
    expect(text).toContain("[########################] 1 file(s)");
    expect(text.endsWith("\r\x1b[2K")).toBe(true);
    expect(text).not.toContain("\n");
  });

  it("has --help for every command", async () => {
    for (const cmd of [["sources"], ["sources", "search"], ["ingest"]]) {
      const help = await lmos(...cmd, "--help");
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: lmos/);
    }
  });
});
