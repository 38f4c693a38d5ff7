// `lmos backup <file>`: a consistent copy of the whole database, safe to take while `lmos serve` runs.
import type { Command } from "commander";
import type { Cli } from "../cli-context.ts";

/** Registers `lmos backup`. */
export function register(program: Command, cli: Cli): void {
  program
    .command("backup")
    .description("copy the whole database (agents, memory, messages, sources) to a new file")
    .argument("<file>", "where to write the copy (must not exist yet)")
    .addHelpText(
      "after",
      `
The copy is taken with SQLite's online backup: other processes (a running lmos serve) keep reading and
writing meanwhile. To restore, stop lmos and put the file in place of lmos.db in LMOS_HOME (or point
--home at a folder holding it as lmos.db).

Example:
  $ lmos backup ~/lmos-$(date +%F).db`,
    )
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const lmos = await cli.openLmos(cmd);
      try {
        const { path, bytes } = await lmos.backup(file);
        cli.print(`backed up ${lmos.config.databasePath} to ${path} (${(bytes / 1024).toFixed(0)} KB)`);
      } finally {
        await lmos.close();
      }
    });
}
