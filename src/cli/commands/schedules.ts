// `lmos schedules create|list|delete`: an agent's scheduled wake-ups. They fire while `lmos serve` (or a
// chat, or a library instance) runs on the database; a one-shot command only records them.
import type { Command } from "commander";
import type { Cli } from "../cli-context.ts";
import { UsageError } from "../errors.ts";

/** Registers `lmos schedules`. */
export function register(program: Command, cli: Cli): void {
  const schedules = program
    .command("schedules")
    .description("schedule wake-ups of an agent (cron or one time); they fire while lmos serve runs")
    .addHelpText(
      "after",
      `
A firing runs the agent on a heartbeat (with the reason) followed by the message, if given. A schedule
missed while nothing ran fires once at the next start. Cron: 5 fields (or 6 with seconds), UTC unless
--timezone.

Examples:
  $ lmos schedules create ada --cron "0 9 * * 1-5" --timezone Europe/Paris --message "Plan my day."
  $ lmos schedules create ada --at 2026-12-24T18:00:00Z --reason "send the greetings"
  $ lmos schedules list ada
  $ lmos schedules delete ada scheduled_message-…`,
    );

  schedules
    .command("create")
    .description("schedule a wake-up: --cron <expression> or --at <time>")
    .argument("<agent>", "agent id or name")
    .option("--cron <expression>", 'a cron expression, e.g. "*/30 * * * *"')
    .option("--at <time>", "one time, ISO-8601 (e.g. 2026-12-24T18:00:00Z)")
    .option("--timezone <zone>", "IANA time zone of the cron expression (e.g. Europe/Paris)")
    .option("--message <text>", "a message the agent gets with the heartbeat")
    .option("--reason <text>", "the heartbeat's reason")
    .option("--json", "print the schedule as JSON")
    .action(
      (
        ref: string,
        opts: {
          cron?: string;
          at?: string;
          timezone?: string;
          message?: string;
          reason?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        if ((opts.cron === undefined) === (opts.at === undefined))
          throw new UsageError("give either --cron or --at");
        if (opts.at !== undefined && Number.isNaN(Date.parse(opts.at)))
          throw new UsageError(`--at: "${opts.at}" is not a time`);
        return cli.with(cmd, async (b) => {
          const s = await b.createSchedule(ref, opts);
          cli.print(
            opts.json ? JSON.stringify(s, null, 2) : `scheduled ${s.id}: next ${s.nextRunAt ?? "never"}`,
          );
        });
      },
    );

  schedules
    .command("list")
    .description("list an agent's schedules")
    .argument("<agent>", "agent id or name")
    .option("--json", "print the schedules as JSON")
    .action((ref: string, opts: { json?: boolean }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        const list = await b.listSchedules(ref);
        if (opts.json) return cli.print(JSON.stringify(list, null, 2));
        if (list.length === 0) return cli.print("no schedules");
        cli.print(
          list
            .map(
              (s) =>
                `${s.id}  ${s.recurring ? "cron" : "once"} ${s.when}  next ${s.nextRunAt ?? "-"}${s.message ? `  "${s.message}"` : ""}`,
            )
            .join("\n"),
        );
      }),
    );

  schedules
    .command("delete")
    .description("delete a schedule")
    .argument("<agent>", "agent id or name")
    .argument("<schedule>", "schedule id")
    .action((ref: string, id: string, _opts: unknown, cmd: Command) =>
      cli.with(cmd, async (b) => {
        await b.deleteSchedule(ref, id);
        cli.print(`deleted schedule ${id}`);
      }),
    );
}
