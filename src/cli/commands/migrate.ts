// `lmos migrate --from … --to …`: copy a whole installation between a SQLite file and PostgreSQL (either
// way), resumable, and verified table by table with row counts and canonical checksums.
import type { Command } from "commander";
import { positiveInt } from "../args.ts";
import type { Cli } from "../cli-context.ts";
import { UsageError } from "../errors.ts";

interface MigrateFlags {
  from: string;
  to: string;
  force?: boolean;
  json?: boolean;
  batchSize: number;
}

/** Registers `lmos migrate`. */
export function register(program: Command, cli: Cli): void {
  program
    .command("migrate")
    .description("copy a whole installation between a SQLite file and PostgreSQL, verified and resumable")
    .requiredOption(
      "--from <db>",
      "the installation to copy: a SQLite file (or an LMOS_HOME folder) or postgres://…",
    )
    .requiredOption("--to <db>", "where to copy it: postgres://…[?schema=name] or a SQLite file")
    .option("--force", "erase a non-empty target first, even a half-done copy (everything in it is lost)")
    .option("--batch-size <n>", "rows per committed batch", positiveInt, 2000)
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      `
Copies every table (agents, memory blocks, messages and context windows, archival passages with their
embeddings, runs and steps, sources and files, tools, groups, schedules, jobs, …) keeping ids, timestamps
and order, rebuilds the search indexes on the target, then compares row counts and a checksum of every
table at both ends: exit 1 if any differs. The copy is the source as it was when the command began (one
read snapshot), so lmos may keep running on it, but what it writes later is not in the copy: stop lmos
for the copy you switch over to.

Interrupted (Ctrl-C, a crash)? Run the same command again (without --force, which starts over): it
continues where it stopped, and copies nothing twice. A target that already holds data is refused unless --force. Progress goes to stderr.
The PostgreSQL schema is "lmos" unless the URL says ?schema=name; exit codes: 0 ok, 1 failed, 2 bad usage.

Examples:
  $ lmos migrate --from ~/.lmos/lmos.db --to postgres://lmos@db.internal:5432/lmos
  $ lmos migrate --from postgres://lmos@db.internal:5432/lmos --to ./lmos-copy.db --json`,
    )
    .action(async (opts: MigrateFlags) => {
      const store = await import("../../store/index.ts");
      for (const [flag, value] of [
        ["--from", opts.from],
        ["--to", opts.to],
      ] as const) {
        try {
          store.parseMigrationEndpoint(value, flag);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
      const stderr = cli.io.stderr;
      const tty = !!stderr.isTTY;
      let last = "";
      const summary = await store
        .migrateInstallation({
          from: opts.from,
          to: opts.to,
          force: opts.force,
          batchSize: opts.batchSize,
          onStart: ({ resumed, erased }) => {
            if (resumed) stderr.write("resuming the migration into this target where it stopped\n");
            if (erased) stderr.write("--force: erased the target\n");
          },
          onProgress: ({ table, done, total }) => {
            const line = `${table}: ${done}/${total} rows`;
            if (line === last) return;
            last = line;
            stderr.write(tty ? `\r\x1b[2K${line}${done >= total ? "\n" : ""}` : `${line}\n`);
          },
        })
        .catch((e: unknown) => {
          if (e instanceof Error && "code" in e && e.code === "invalid_argument")
            throw new UsageError(e.message);
          throw e;
        });
      if (opts.json) cli.print(JSON.stringify(summary, null, 2));
      else {
        const width = Math.max(5, ...summary.tables.map((t) => t.table.length));
        const lines = summary.tables.map(
          (t) =>
            `${t.table.padEnd(width)}  ${String(t.sourceRows).padStart(9)}  ${t.sourceSha256.slice(0, 16)}  ${
              t.ok ? "ok" : `MISMATCH (target: ${t.targetRows} rows, ${t.targetSha256.slice(0, 16)})`
            }`,
        );
        const rate = summary.copySeconds > 0 ? Math.round(summary.rowsCopied / summary.copySeconds) : 0;
        cli.print(
          [
            `${"table".padEnd(width)}  ${"rows".padStart(9)}  sha256 (first 16)`,
            ...lines,
            `copied ${summary.rowsCopied} rows from ${summary.from} to ${summary.to} in ${summary.copySeconds.toFixed(1)} s (${rate} rows/s)${summary.resumed ? ", resumed" : ""}; verified in ${summary.verifySeconds.toFixed(1)} s`,
          ].join("\n"),
        );
      }
      if (!summary.ok) {
        const bad = summary.tables
          .filter((t) => !t.ok)
          .map((t) => `${t.table} (${t.sourceRows} → ${t.targetRows} rows)`);
        throw new Error(
          `verification failed: ${bad.join(", ")} differ between source and target (was lmos writing to either meanwhile? copy afresh with --force)`,
        );
      }
    });
}
