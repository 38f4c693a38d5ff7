// `lmos agents export|import`: Letta's agent files (.af JSON), locally or through a server (--url).
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { Cli } from "../cli-context.ts";
import { checkHandle } from "../cli-context.ts";
import { UsageError } from "../errors.ts";

/** Adds export and import under `lmos agents`. */
export function registerAgentFiles(agents: Command, cli: Cli): void {
  agents
    .command("export")
    .description(
      "write an agent as a Letta agent file (.af JSON): blocks, messages, tools, sources, settings",
    )
    .argument("<agent>", "agent id or name")
    .option("-o, --out <file>", "write to this file (default: standard output)")
    .option("--scrub-messages", "leave the messages out (share the agent's setup, not its conversation)")
    .addHelpText(
      "after",
      `
The file is Letta's agent file format (v2): a Letta server imports it, and so does \`lmos agents import\`
(which also restores what Letta's format has no field for: loop settings, the summary, archival memory).

Examples:
  $ lmos agents export ada -o ada.af
  $ lmos agents export ada --scrub-messages > ada-template.af`,
    )
    .action((ref: string, opts: { out?: string; scrubMessages?: boolean }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        const file = await b.exportAgent(ref, { scrubMessages: opts.scrubMessages });
        const text = `${JSON.stringify(file, null, 2)}\n`;
        if (!opts.out) return cli.print(text.trimEnd());
        writeFileSync(opts.out, text);
        cli.print(`exported ${ref} to ${opts.out} (${(text.length / 1024).toFixed(1)} KB)`);
      }),
    );

  agents
    .command("import")
    .description("create the agents of a Letta agent file (.af JSON, from lmos or Letta)")
    .argument("<file>", "the agent file")
    .option("--name <name>", "name the (first) agent this instead of the file's name")
    .option("--model <handle>", "use this model handle instead of the file's")
    .option("--json", "print the new agents' ids as JSON")
    .addHelpText(
      "after",
      `
An agent whose name is taken gets "_copy" appended.

Examples:
  $ lmos agents import ada.af
  $ lmos agents import letta-export.af --name ada2 --model openai/gpt-4o-mini`,
    )
    .action((file: string, opts: { name?: string; model?: string; json?: boolean }, cmd: Command) => {
      const model = checkHandle(opts.model, "--model");
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
      }
      return cli.with(cmd, async (b) => {
        const ids = await b.importAgents(text, { name: opts.name, ...(model ? { model } : {}) });
        cli.print(
          opts.json ? JSON.stringify({ agent_ids: ids }) : ids.map((id) => `imported agent ${id}`).join("\n"),
        );
      });
    });
}
