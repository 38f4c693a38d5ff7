// `lmos context <agent>`: where the agent's context window goes.
import type { Command } from "commander";
import type { Cli } from "../cli-context.ts";
import { contextBreakdown, contextLine } from "../format.ts";

/** Registers `lmos context`. */
export function register(program: Command, cli: Cli): void {
  program
    .command("context")
    .description("show how full the agent's context window is and what fills it")
    .argument("<agent>", "agent id or name")
    .option("--json", "print the breakdown as JSON")
    .action((agent: string, opts: { json?: boolean }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        const c = await b.context(agent);
        cli.print(opts.json ? JSON.stringify(c, null, 2) : `${contextLine(c)}\n${contextBreakdown(c)}`);
      }),
    );
}
