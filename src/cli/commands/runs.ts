// `lmos runs list|show`: an agent's runs (background sends, crashed runs marked failed) and what each stored.
import type { Command } from "commander";
import { collect, positiveInt } from "../args.ts";
import type { CliRun } from "../backend/types.ts";
import type { Cli } from "../cli-context.ts";
import { UsageError } from "../errors.ts";

const STATUSES = ["created", "running", "completed", "failed", "cancelled"];

function runLine(r: CliRun): string {
  const stop = r.stopReason ? ` (${r.stopReason})` : "";
  return `${r.id}  ${r.status}${stop}  ${r.agentId}  ${r.createdAt ?? ""}`;
}

// One line per stored message: its Letta type and the text a user would read.
function messageLine(m: Record<string, unknown>): string {
  const type = String(m.message_type ?? "message");
  const text =
    m.content ??
    m.reasoning ??
    (m.tool_call as { arguments?: string } | undefined)?.arguments ??
    m.tool_return;
  const shown = typeof text === "string" ? text : JSON.stringify(text ?? "");
  return `  ${type}: ${shown.replace(/\s+/g, " ").slice(0, 200)}`;
}

/** Registers `lmos runs`. */
export function register(program: Command, cli: Cli): void {
  const runs = program
    .command("runs")
    .description("list runs (newest first) and show what a run stored, e.g. a background send's reply");

  runs
    .command("list")
    .description("list runs, of one agent when given")
    .argument("[agent]", "agent id or name")
    .option("--status <status>", `only runs with this status (repeat; ${STATUSES.join(", ")})`, collect, [])
    .option("-n, --limit <n>", "number of runs", positiveInt, 20)
    .option("--json", "print the runs as JSON")
    .addHelpText("after", "\nExamples:\n  $ lmos runs list ada\n  $ lmos runs list --status failed --json")
    .action(
      (
        agent: string | undefined,
        opts: { status: string[]; limit: number; json?: boolean },
        cmd: Command,
      ) => {
        const unknown = opts.status.find((s) => !STATUSES.includes(s));
        if (unknown) throw new UsageError(`--status "${unknown}": use one of ${STATUSES.join(", ")}`);
        return cli.with(cmd, async (b) => {
          const list = await b.listRuns({ agent, statuses: opts.status, limit: opts.limit });
          if (opts.json) cli.print(JSON.stringify(list, null, 2));
          else cli.print(list.length ? list.map(runLine).join("\n") : "no runs");
        });
      },
    );

  runs
    .command("show")
    .description("show a run and the messages it stored, its input first")
    .argument("<run>", "run id (run-…)")
    .option("--json", "print the run and its Letta-shaped messages as JSON")
    .addHelpText("after", "\nExample:\n  $ lmos runs show run-0192…")
    .action((id: string, opts: { json?: boolean }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        const { run, messages } = await b.run(id);
        if (opts.json) cli.print(JSON.stringify({ run, messages }, null, 2));
        else cli.print([runLine(run), ...messages.map(messageLine)].join("\n"));
      }),
    );
}
