// `lmos ingest <source> <paths...>`: ingests files, globs and directories into a source. A progress
// bar on a TTY (stderr), plain lines otherwise; exit 0 when every file ingested or was unchanged,
// 1 when some failed, with one line per failed file saying why.
import type { Command } from "commander";
import { LmosError } from "../../errors.ts";
import type { IngestProgress, IngestReport, Lmos } from "../../runtime/types.ts";

/** What these commands need from the CLI: an opened lmos, and where to write. */
export interface SourcesCliContext {
  open(): Promise<Lmos>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Draws progress: a redrawn bar on a terminal, one line per finished file otherwise. */
export function progressPrinter(
  err: NodeJS.WritableStream,
  tty: boolean,
): {
  onProgress(p: IngestProgress): void;
  finish(): void;
} {
  let done = 0;
  let bytes = 0;
  let drawn = false;
  const width = 24;
  return {
    onProgress(p) {
      const final = p.phase === "done" || p.phase === "skipped" || p.phase === "error";
      if (final) {
        done++;
        bytes += p.totalBytes;
      }
      if (tty) {
        const frac = p.totalBytes > 0 ? p.bytes / p.totalBytes : 0;
        const filled = Math.round(frac * width);
        const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
        err.write(
          `\r\x1b[2K[${bar}] ${done} file(s), ${megabytes(bytes)}  ${p.phase} ${p.file}`.slice(0, 200),
        );
        drawn = true;
      } else if (final) {
        const what =
          p.phase === "done"
            ? `ingested (${p.chunks ?? 0} passages)`
            : p.phase === "skipped"
              ? "unchanged"
              : "failed";
        err.write(`${what}: ${p.file}\n`);
      }
    },
    finish() {
      if (drawn) err.write("\r\x1b[2K");
    },
  };
}

/** The summary line and the per-failure lines of an ingest. */
export function formatIngestReport(report: IngestReport): { summary: string; failures: string[] } {
  const failures = report.files
    .filter((f) => f.status === "error")
    .map((f) => `error: ${f.path}: ${f.error}`);
  const summary = `${report.ok} ingested, ${report.unchanged} unchanged, ${report.failed} failed`;
  return { summary, failures };
}

/** Registers `lmos ingest`. */
export function register(program: Command, ctx: SourcesCliContext): void {
  program
    .command("ingest")
    .description("ingest files, globs and directories into a source (Letta folder)")
    .argument("<source>", "source id or name")
    .argument("<paths...>", "files, directories (recursive) or globs such as 'docs/**/*.md'")
    .addHelpText(
      "after",
      `
Reads txt, md, html, pdf, docx, json and csv (at most 100 MB per file). An unchanged file is skipped;
a changed one replaces its passages. Exit code 0 when every file ingested, 1 when any failed.

Examples:
  $ lmos sources create handbook
  $ lmos ingest handbook ./docs 'notes/**/*.md' report.pdf`,
    )
    .action(async (source: string, paths: string[]) => {
      const out = ctx.stdout ?? process.stdout;
      const err = ctx.stderr ?? process.stderr;
      const lmos = await ctx.open();
      try {
        const progress = progressPrinter(err, Boolean((err as NodeJS.WriteStream).isTTY));
        const report = await lmos.sources.ingest(source, paths, { onProgress: progress.onProgress });
        progress.finish();
        const { summary, failures } = formatIngestReport(report);
        for (const line of failures) err.write(`${line}\n`);
        out.write(`${summary}\n`);
        // Thrown, not process.exitCode: the CLI turns a thrown error into exit code 1 and one "error:" line.
        if (report.failed > 0)
          throw new LmosError(
            "bad_request",
            `${report.failed} of ${report.files.length} file(s) failed to ingest`,
          );
      } finally {
        await lmos.close();
      }
    });
}
