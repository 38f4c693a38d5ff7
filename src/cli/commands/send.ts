// `lmos send <agent> <message>`: one message, one run; prints the reply (or the whole run as JSON).
import type { Command } from "commander";
import { positiveInt, readAll } from "../args.ts";
import type { Cli } from "../cli-context.ts";
import { UsageError } from "../errors.ts";

/** Registers `lmos send`. */
export function register(program: Command, cli: Cli): void {
  program
    .command("send")
    .description("send one message to an agent and print its reply")
    .argument("<agent>", "agent id or name")
    .argument("<message>", 'the message ("-" reads it from stdin)')
    .option("--json", "print every message of the run, the stop reason and token usage as JSON")
    .option("--max-steps <n>", "stop after this many model calls", positiveInt)
    .addHelpText(
      "after",
      `
--json prints { agentId, runId, reply, stopReason, usage: { promptTokens, completionTokens, totalTokens,
stepCount }, messages, error? }, where messages are the run's Letta messages (reasoning_message,
tool_call_message, tool_return_message, assistant_message). Exit code 1 when the run failed.

Examples:
  $ lmos send ada "What did I tell you about my cat?"
  $ git log -1 | lmos send ada - --json | jq .reply`,
    )
    .action(
      async (agent: string, message: string, opts: { json?: boolean; maxSteps?: number }, cmd: Command) => {
        const text = message === "-" ? (await readAll(cli.io.stdin)).trim() : message;
        if (!text.trim()) throw new UsageError("the message is empty");
        await cli.with(cmd, async (b) => {
          const r = await b.send(agent, text, opts.maxSteps ? { maxSteps: opts.maxSteps } : {});
          if (opts.json) cli.print(JSON.stringify(r, null, 2));
          else if (r.reply) cli.print(r.reply);
          else if (!r.error)
            cli.io.stderr.write(`note: the agent did not reply (the run stopped: ${r.stopReason})\n`);
          if (r.error) {
            if (!opts.json) cli.io.stderr.write(`error: ${r.error.message.split("\n")[0]}\n`);
            cli.exitCode = 1;
          }
        });
      },
    );
}
