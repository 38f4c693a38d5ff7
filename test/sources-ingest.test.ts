// Ingesting documents through lmos.sources on a real SQLite store: formats, per-file errors, content
// hash no-ops, replacement of a changed file, limits, and search results with file and lines.
import {
  closeSync,
  cpSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LmosError } from "../src/errors.ts";
import { openLmos } from "../src/index.ts";
import type { Lmos } from "../src/runtime/types.ts";
import { MAX_FILE_BYTES } from "../src/sources/index.ts";
import { startScriptedModel } from "./scripted-model.ts";

const FIXTURES = join(import.meta.dirname, "fixtures/docs");
let home: string;
let docs: string;
let lmos: Lmos;

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), "lmos-src-"));
  docs = join(home, "docs");
  cpSync(FIXTURES, docs, { recursive: true, filter: (p) => !p.endsWith(".ts") });
  lmos = await openLmos({ home, env: {} });
});
afterEach(async () => {
  await lmos.close();
  rmSync(home, { recursive: true, force: true });
});

const GOOD = ["config.json", "guide.html", "notes.md", "policy.docx", "prices.csv", "report.pdf"];

describe("lmos.sources.ingest", () => {
  it("ingests every readable format and reports each bad file with its reason", async () => {
    const src = await lmos.sources.create({ name: "docs" });
    const seen = new Set<string>();
    const report = await lmos.sources.ingest("docs", [docs], { onProgress: (p) => seen.add(p.phase) });
    const byName = Object.fromEntries(report.files.map((f) => [f.path.split("/").pop(), f]));
    expect(report.ok).toBe(GOOD.length);
    for (const name of GOOD) expect(byName[name].status).toBe("ingested");
    expect(report.failed).toBe(4);
    expect(byName["encrypted.pdf"].error).toMatch(/encrypted PDF/);
    expect(byName["corrupt.pdf"].error).toMatch(/not a readable PDF/);
    expect(byName["empty.txt"].error).toMatch(/empty/);
    expect(byName["image.bin"].error).toMatch(/binary/);
    expect(seen).toEqual(new Set(["parsing", "chunking", "storing", "done", "error"]));

    const files = await lmos.sources.files(src.id);
    const pdf = files.find((f) => f.fileName === "report.pdf");
    expect(pdf).toMatchObject({ status: "completed", fileType: "application/pdf", totalChunks: 1 });
    expect(files.find((f) => f.fileName === "empty.txt")?.status).toBe("error");

    const hits = await lmos.sources.search("docs", "meal allowance");
    expect(hits[0].file.fileName).toBe("policy.docx");
    expect(hits[0].passage.metadata).toMatchObject({
      file_name: "policy.docx",
      start_line: 1,
      heading: "Travel Policy",
    });
    expect(hits[0].passage.sourceId).toBe(src.id);
  });

  it("treats an unchanged file as a no-op and replaces the passages of a changed one", async () => {
    await lmos.sources.create({ name: "notes" });
    const path = join(docs, "notes.md");
    const first = await lmos.sources.ingest("notes", [path]);
    const fileId = first.files[0].file?.id as string;
    const before = await lmos.store.listPassages({ fileId }, { limit: 100 });
    expect(before.length).toBeGreaterThan(0);

    const again = await lmos.sources.ingest("notes", [path]);
    expect(again).toMatchObject({ ok: 0, unchanged: 1, failed: 0 });
    expect((await lmos.store.listPassages({ fileId }, { limit: 100 })).map((p) => p.id)).toEqual(
      before.map((p) => p.id),
    );

    writeFileSync(path, "# Project Notes\n\nThe kickoff moved to Thursday.\n");
    const changed = await lmos.sources.ingest("notes", [path]);
    expect(changed.ok).toBe(1);
    expect(changed.files[0].file?.id).toBe(fileId);
    const after = await lmos.store.listPassages({ fileId }, { limit: 100 });
    expect(after.some((p) => before.some((b) => b.id === p.id))).toBe(false);
    expect(after.map((p) => p.text).join("\n")).toContain("Thursday");
    expect(await lmos.sources.search("notes", "Monday")).toEqual([]);
    expect((await lmos.sources.search("notes", "Thursday"))[0].file.fileName).toBe("notes.md");
  });

  it("refuses a file over the size limit without reading it, and still ingests the others", async () => {
    await lmos.sources.create({ name: "big" });
    const huge = join(home, "huge.txt");
    const fd = openSync(huge, "w");
    ftruncateSync(fd, MAX_FILE_BYTES + 1); // sparse: no disk, no memory
    closeSync(fd);
    const report = await lmos.sources.ingest("big", [huge, join(docs, "notes.md")]);
    expect(report.ok).toBe(1);
    expect(report.files[0]).toMatchObject({ status: "error" });
    expect(report.files[0].error).toMatch(/per-file limit is 100\.0 MB/);
  });

  it("refuses bad upload names with invalid_argument, storing nothing, and keeps going", async () => {
    await lmos.sources.create({ name: "up" });
    const refused = async (name: string) => {
      const e = await lmos.sources
        .upload("up", { name, data: new TextEncoder().encode("x") })
        .catch((x) => x);
      expect(LmosError.is(e) && e.code, `${JSON.stringify(name)}: ${e}`).toBe("invalid_argument");
      return (e as LmosError).message;
    };
    expect(await refused("../../etc/passwd")).toMatch(/path separator/);
    expect(await refused("notes\\a.txt")).toMatch(/path separator/);
    expect(await refused("..")).toMatch(/path separator/);
    expect(await refused("")).toMatch(/file name is empty/);
    expect(await refused("a\u0000.txt")).toMatch(/control characters/);
    expect(await lmos.sources.files("up")).toEqual([]);
    const good = await lmos.sources.upload("up", {
      name: "a.txt",
      data: new TextEncoder().encode("alpha beta"),
    });
    expect(good.status).toBe("completed");
    expect((await lmos.sources.files("up")).map((f) => f.fileName)).toEqual(["a.txt"]);
  });

  it("expands globs, reports a path that matches nothing, and addresses sources by id or name", async () => {
    const src = await lmos.sources.create({ name: "globbed" });
    const report = await lmos.sources.ingest(src.id, [
      join(docs, "*.md"),
      join(docs, "*.csv"),
      join(home, "missing.txt"),
    ]);
    expect(report.files.map((f) => f.path.split("/").pop())).toEqual([
      "notes.md",
      "prices.csv",
      "missing.txt",
    ]);
    expect(report.files[2].error).toMatch(/cannot read/);
    expect((await lmos.sources.get("globbed")).id).toBe(src.id);
    await expect(lmos.sources.get("nope")).rejects.toMatchObject({ code: "not_found" });
    await expect(lmos.sources.create({ name: "globbed" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("refuses a second file with the same name in one ingest instead of replacing the first", async () => {
    await lmos.sources.create({ name: "dupes" });
    mkdirSync(join(docs, "sub"));
    writeFileSync(join(docs, "sub", "notes.md"), "# Other notes\n\nSomething else.\n");
    const report = await lmos.sources.ingest("dupes", [join(docs, "notes.md"), join(docs, "sub")]);
    expect(report).toMatchObject({ ok: 1, failed: 1 });
    expect(report.files[1].error).toMatch(/another file named notes\.md .* file names must be unique/);
    expect((await lmos.sources.search("dupes", "budget"))[0].file.fileName).toBe("notes.md");
  });

  it("embeds passages when the source has an embedder and searches them hybrid", async () => {
    const model = await startScriptedModel();
    const withEmbedder = await openLmos({
      home: join(home, "e"),
      env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "k" },
    });
    try {
      await withEmbedder.sources.create({ name: "emb", embedding: "openai/text-embedding-3-small" });
      const report = await withEmbedder.sources.ingest("emb", [
        join(docs, "notes.md"),
        join(docs, "policy.docx"),
      ]);
      expect(report.ok).toBe(2);
      const embedded = model.embeddingRequests.flatMap((r) => r.input);
      expect(embedded.some((t) => t.includes("40,000 euros"))).toBe(true);
      const hits = await withEmbedder.sources.search("emb", "budget euros");
      expect(hits[0].file.fileName).toBe("notes.md");
      expect(hits[0].passage.embeddingModel).toBe("openai/text-embedding-3-small");
    } finally {
      await withEmbedder.close();
      await model.close();
    }
  });
});
