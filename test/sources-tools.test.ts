// The file tools on an agent's attached sources, and the open-files section of its context.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import type { Lmos } from "../src/runtime/types.ts";
import {
  closeFileTool,
  createFilesContextExtension,
  grepFilesTool,
  openFileTool,
  searchFilesTool,
} from "../src/sources/index.ts";
import { recordingWrites } from "../src/tools/step-writes.testkit.ts";
import type { ToolContext } from "../src/tools/types.ts";
import { ToolError } from "../src/tools/types.ts";

let home: string;
let lmos: Lmos;
let ctx: ToolContext;

const enc = (s: string) => new TextEncoder().encode(s);
const manual = Array.from({ length: 250 }, (_, i) =>
  i === 119 ? "The warranty lasts 24 months." : `Line ${i + 1} of the manual.`,
).join("\n");

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), "lmos-ft-"));
  lmos = await openLmos({ home, env: {} });
  await lmos.sources.create({ name: "handbook" });
  await lmos.sources.upload("handbook", { name: "manual.txt", data: enc(manual) });
  await lmos.sources.upload("handbook", {
    name: "faq.md",
    data: enc("# FAQ\n\nHow long is the warranty?\nSee the manual.\n\n## Returns\n\nReturns within 30 days."),
  });
  for (let i = 0; i < 6; i++)
    await lmos.sources.upload("handbook", { name: `extra${i}.txt`, data: enc(`extra ${i}`) });
  const agent = await lmos.agents.create({ name: "reader", model: "openai/gpt-4o-mini" });
  await lmos.sources.attach("handbook", "reader");
  const record = await lmos.store.getAgent(agent.id);
  ctx = {
    agent: record!,
    blocks: [],
    store: lmos.store,
    embedder: null,
    writes: recordingWrites(lmos.store, agent.id),
    now: new Date().toISOString(),
  };
});
afterEach(async () => {
  await lmos.close();
  rmSync(home, { recursive: true, force: true });
});

describe("file tools", () => {
  it("attaching a source gives the agent the file tools", async () => {
    const names = (await lmos.store.agentTools(ctx.agent.id)).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["open_file", "grep_files", "search_files", "close_file"]));
  });

  it("open_file shows a numbered window and says how to page on", async () => {
    const out = await openFileTool.run({ file_name: "manual.txt", offset: 118, length: 3 }, ctx);
    expect(out).toBe(
      '[handbook/manual.txt: lines 118-120 of 250. Next: open_file(file_name="handbook/manual.txt", offset=121).]\n' +
        "118: Line 118 of the manual.\n119: Line 119 of the manual.\n120: The warranty lasts 24 months.",
    );
    const end = await openFileTool.run({ file_name: "handbook/manual.txt", offset: 249 }, ctx);
    expect(end).toContain("lines 249-250 of 250. End of file.");
    await expect(openFileTool.run({ file_name: "nope.txt" }, ctx)).rejects.toThrow(
      /Available files: .*handbook\/faq\.md/,
    );
  });

  it("renders open files into the context, closes them, and closes all under pressure", async () => {
    const ext = createFilesContextExtension(lmos.store);
    expect(await ext.render(ctx.agent.id)).toBeNull();
    expect((await (await lmos.agents.get("reader")).context()).files).toBe(0);
    await openFileTool.run({ file_name: "manual.txt", offset: 120, length: 2 }, ctx);
    await openFileTool.run({ file_name: "faq.md", length: 3 }, ctx);
    const text = await ext.render(ctx.agent.id);
    expect(text).toContain('<file name="handbook/manual.txt" lines="120-121" total_lines="250">');
    // The context breakdown counts the open files apart from core memory, and the parts still add up.
    const window = await (await lmos.agents.get("reader")).context();
    expect(window.files).toBeGreaterThan(20);
    const { system, coreMemory, files, summary, messages, tools } = window;
    expect(system + coreMemory + files + summary + messages + tools).toBe(window.total);
    expect(text).toContain("120: The warranty lasts 24 months.");
    expect(text).toContain("1: # FAQ");
    expect(await closeFileTool.run({ file_name: "faq.md" }, ctx)).toBe("Closed handbook/faq.md.");
    expect(await ext.render(ctx.agent.id)).not.toContain("faq.md");
    await ext.onPressure(ctx.agent.id);
    expect(await ext.render(ctx.agent.id)).toBeNull();
  });

  it("keeps at most five files open, closing the least recently opened", async () => {
    for (let i = 0; i < 6; i++) {
      await openFileTool.run({ file_name: `extra${i}.txt` }, { ...ctx, now: `2026-01-01T00:00:0${i}.000Z` });
    }
    const open = await lmos.store.listOpenFiles(ctx.agent.id);
    expect(open).toHaveLength(5);
    const names = await Promise.all(open.map(async (o) => (await lmos.store.getFile(o.fileId))?.fileName));
    expect(names).not.toContain("extra0.txt");
  });

  it("grep_files finds matches with context lines and pages", async () => {
    const out = await grepFilesTool.run({ pattern: "warranty", context_lines: 1 }, ctx);
    expect(out).toContain("2 match(es) in 2 file(s); page 1 of 1.");
    expect(out).toContain(
      "== handbook/manual.txt ==\n 119: Line 119 of the manual.\n>120: The warranty lasts 24 months.\n 121: Line 121",
    );
    expect(out).toContain(">3: How long is the warranty?");
    const paged = await grepFilesTool.run(
      { pattern: "^Line \\d+ of", file_name: "manual.txt", context_lines: 0, page: 2 },
      ctx,
    );
    expect(paged).toMatch(
      /^249 match\(es\) in 1 file\(s\); page 2 of 13\. Next: grep_files\(\.\.\., page=3\)\./,
    );
    expect(paged).toContain(">21: Line 21 of the manual.");
    await expect(grepFilesTool.run({ pattern: "(unclosed" }, ctx)).rejects.toBeInstanceOf(ToolError);
    await expect(grepFilesTool.run({ pattern: "x", page: 9 }, ctx)).rejects.toThrow(/page/);
  });

  it("grep_files stops a catastrophic pattern with a tool error while the process keeps serving", async () => {
    await lmos.sources.upload("handbook", { name: "as.txt", data: enc(`${"a".repeat(40)}!`) });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      await expect(grepFilesTool.run({ pattern: "(a+)+$", file_name: "as.txt" }, ctx)).rejects.toThrow(
        /ran longer than 3 s and was stopped/,
      );
    } finally {
      clearInterval(ticker);
    }
    // On the main thread the event loop would not have run once in those 3 seconds.
    expect(ticks).toBeGreaterThan(10);
    expect(await grepFilesTool.run({ pattern: "a!$", file_name: "as.txt" }, ctx)).toContain(">1: aaaa");
  });

  it("search_files returns passages with file and line range", async () => {
    const out = await searchFilesTool.run({ query: "returns days" }, ctx);
    expect(out).toMatch(/^\[1\] handbook\/faq\.md lines \d+-\d+\n/);
    expect(out).toContain("Returns within 30 days.");
  });

  it("detaching the last source removes the file tools and closes its files", async () => {
    await openFileTool.run({ file_name: "manual.txt" }, ctx);
    await lmos.sources.detach("handbook", "reader");
    expect(await lmos.store.listOpenFiles(ctx.agent.id)).toEqual([]);
    const names = (await lmos.store.agentTools(ctx.agent.id)).map((t) => t.name);
    expect(names).not.toContain("open_file");
    await expect(openFileTool.run({ file_name: "manual.txt" }, ctx)).rejects.toThrow(
      /No folders are attached/,
    );
  });
});
