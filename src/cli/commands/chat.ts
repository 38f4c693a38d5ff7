// `lmos chat [agent]`: talk to an agent; creates the agent "default" on first use when none is named.
import type { Command } from "commander";
import { LmosError } from "../../errors.ts";
import { positiveInt } from "../args.ts";
import { runChat } from "../chat/session.ts";
import type { Cli } from "../cli-context.ts";

const DEFAULT_AGENT = "default";

/** Registers `lmos chat`. */
export function register(program: Command, cli: Cli): void {
  program
    .command("chat")
    .description("chat with an agent: streamed replies, tool calls, memory edits and context usage")
    .argument("[agent]", `agent id or name (default: "${DEFAULT_AGENT}", created on first use)`)
    .option("--max-steps <n>", "stop each turn after this many model calls", positiveInt)
    .addHelpText(
      "after",
      `
In the chat: /memory [label], /context, /reset, /exit (or Ctrl-D). Ctrl-C cancels a reply in progress.
Piped input sends one message per line, without prompts.

Examples:
  $ lmos chat
  $ lmos chat ada --url http://127.0.0.1:8283
  $ printf 'Hi, I am Ada\\n/memory human\\n' | lmos chat`,
    )
    .action((ref: string | undefined, opts: { maxSteps?: number }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        let agent = await b.findAgent(ref ?? DEFAULT_AGENT);
        if (!agent && ref !== undefined) {
          throw new LmosError(
            "not_found",
            `agent "${ref}" not found; create it with: lmos agents create --name ${ref}`,
          );
        }
        const created = agent === null;
        agent ??= await b.createAgent({ name: DEFAULT_AGENT });
        try {
          const ok = await runChat(b, agent, cli.io, opts);
          if (!ok) cli.exitCode = 1;
        } catch (e) {
          // No model to talk to: keep nothing, so that once one is configured the first chat creates
          // "default" on it (an agent kept now would stay bound to the model that was missing).
          if (!(created && LmosError.is(e) && e.code === "no_provider")) throw e;
          await b.deleteAgent(agent.id);
          throw new LmosError(
            "no_provider",
            `${e.message}; then run lmos chat again (no agent was created), or pass --model provider/model`,
          );
        }
      }),
    );
}
