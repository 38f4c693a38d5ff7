// `lmos sources …`: create, list, delete, attach, detach, files and search of sources (Letta
// folders). Sources and agents are addressed by id or name.
import type { Command } from "commander";
import type { Lmos } from "../../runtime/types.ts";
import type { SourcesCliContext } from "./ingest.ts";

async function withLmos(
  ctx: SourcesCliContext,
  fn: (lmos: Lmos, out: NodeJS.WritableStream) => Promise<void>,
) {
  const lmos = await ctx.open();
  try {
    await fn(lmos, ctx.stdout ?? process.stdout);
  } finally {
    await lmos.close();
  }
}

/** Registers `lmos sources`. */
export function register(program: Command, ctx: SourcesCliContext): void {
  const sources = program
    .command("sources")
    .description("documents: sources (Letta folders), their files and search")
    .addHelpText(
      "after",
      `
Examples:
  $ lmos sources create handbook
  $ lmos ingest handbook ./docs
  $ lmos sources attach handbook ada          the agent gets open_file, grep_files, search_files
  $ lmos sources search handbook "refund policy" --json`,
    );

  sources
    .command("create")
    .description("create a source")
    .argument("<name>", "source name")
    .option("-d, --description <text>", "what the source holds")
    .option("--instructions <text>", "how agents should use it")
    .option("--embedding <handle>", 'embedding model handle, or "none" for lexical search only')
    .action((name: string, opts: { description?: string; instructions?: string; embedding?: string }) =>
      withLmos(ctx, async (lmos, out) => {
        const src = await lmos.sources.create({ name, ...opts });
        out.write(`${src.id}\t${src.name}\n`);
      }),
    );

  sources
    .command("list")
    .description("list sources")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withLmos(ctx, async (lmos, out) => {
        const list = await lmos.sources.list({ limit: 1000 });
        if (opts.json) return void out.write(`${JSON.stringify(list, null, 2)}\n`);
        for (const s of list) {
          const files = await lmos.sources.files(s.id, { limit: 10_000 });
          out.write(`${s.id}\t${s.name}\t${files.length} file(s)\t${s.embedding ?? "lexical"}\n`);
        }
      }),
    );

  sources
    .command("delete")
    .description("delete a source with its files and passages")
    .argument("<source>", "source id or name")
    .action((source: string) =>
      withLmos(ctx, async (lmos, out) => {
        const src = await lmos.sources.get(source);
        await lmos.sources.delete(src.id);
        out.write(`deleted ${src.name}\n`);
      }),
    );

  for (const verb of ["attach", "detach"] as const) {
    sources
      .command(verb)
      .description(
        verb === "attach"
          ? "attach a source to an agent (it gets the file tools)"
          : "detach a source from an agent (it loses the file tools with its last source)",
      )
      .argument("<source>", "source id or name")
      .argument("<agent>", "agent id or name")
      .action((source: string, agent: string) =>
        withLmos(ctx, async (lmos, out) => {
          await lmos.sources[verb](source, agent);
          out.write(
            `${verb === "attach" ? "attached" : "detached"} ${source} ${verb === "attach" ? "to" : "from"} ${agent}\n`,
          );
        }),
      );
  }

  sources
    .command("files")
    .description("list the files of a source")
    .argument("<source>", "source id or name")
    .action((source: string) =>
      withLmos(ctx, async (lmos, out) => {
        for (const f of await lmos.sources.files(source, { limit: 10_000 })) {
          const state = f.status === "error" ? `error: ${f.error}` : `${f.totalChunks} passages`;
          out.write(`${f.id}\t${f.fileName}\t${f.fileSize} bytes\t${state}\n`);
        }
      }),
    );

  sources
    .command("search")
    .description("search the passages of a source")
    .argument("<source>", "source id or name")
    .argument("<query>", "what to look for")
    .option("-n, --limit <n>", "number of passages", "5")
    .option("--json", "print JSON")
    .action((source: string, query: string, opts: { limit: string; json?: boolean }) =>
      withLmos(ctx, async (lmos, out) => {
        const hits = await lmos.sources.search(source, query, {
          limit: Math.max(1, Number(opts.limit) || 5),
        });
        const rows = hits.map((h) => {
          const m = h.passage.metadata as { start_line?: number; end_line?: number; heading?: string | null };
          return {
            file: h.file.fileName,
            fileId: h.file.id,
            startLine: m.start_line ?? null,
            endLine: m.end_line ?? null,
            heading: m.heading ?? null,
            score: h.score,
            text: h.passage.text,
          };
        });
        if (opts.json) return void out.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return void out.write("no matching passages\n");
        for (const r of rows) {
          out.write(`${r.file}:${r.startLine}-${r.endLine}${r.heading ? `  (${r.heading})` : ""}\n`);
          out.write(`${r.text.replace(/^/gm, "  ")}\n\n`);
        }
      }),
    );
}
