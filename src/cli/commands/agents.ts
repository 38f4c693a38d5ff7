// `lmos agents list|create|show|update|delete` (export and import: agent-files.ts).
import type { Command } from "commander";
import type { Cli } from "../cli-context.ts";
import { checkHandle } from "../cli-context.ts";
import { UsageError } from "../errors.ts";
import { agentsTable, agentText } from "../format.ts";
import { registerAgentFiles } from "./agent-files.ts";

/** Registers `lmos agents`. */
export function register(program: Command, cli: Cli): void {
  const agents = program
    .command("agents")
    .description("list, create, show, update, delete, export and import agents")
    .addHelpText(
      "after",
      `
Examples:
  $ lmos agents create --name ada --persona "I am Ada's tutor." --json
  $ lmos agents list
  $ lmos agents show ada
  $ lmos agents update ada --model ollama/llama3.1
  $ lmos agents delete ada
  $ lmos agents export ada -o ada.af && lmos agents import ada.af --name ada2`,
    );

  agents
    .command("list")
    .description("list agents")
    .option("--json", "print the agents as JSON")
    .action((opts: { json?: boolean }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        const list = await b.listAgents();
        cli.print(opts.json ? JSON.stringify(list, null, 2) : agentsTable(list));
      }),
    );

  agents
    .command("create")
    .description("create an agent with persona and human memory blocks and the base memory tools")
    .requiredOption("--name <name>", "the agent's name (unique)")
    .option("--model <handle>", "model handle provider/model (default: --model / LMOS_MODEL)")
    .option("--embedding <handle>", 'embedding handle provider/model, or "none" for lexical search only')
    .option("--persona <text>", "the persona block: who the agent is")
    .option("--human <text>", "the human block: what it knows about the user")
    .option("--json", "print the agent as JSON (with its id)")
    .addHelpText(
      "after",
      `
Examples:
  $ lmos agents create --name ada
  $ id=$(lmos agents create --name bob --model ollama/llama3.1 --json | jq -r .id)`,
    )
    .action(
      (
        opts: {
          name: string;
          model?: string;
          embedding?: string;
          persona?: string;
          human?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const model = checkHandle(opts.model, "--model");
        if (opts.embedding !== undefined && opts.embedding.toLowerCase() !== "none") {
          checkHandle(opts.embedding, "--embedding");
        }
        return cli.with(cmd, async (b) => {
          const agent = await b.createAgent({ ...opts, ...(model ? { model } : {}) });
          cli.print(
            opts.json
              ? JSON.stringify(agent, null, 2)
              : `created agent ${agent.name} (${agent.id}) on ${agent.model}`,
          );
        });
      },
    );

  agents
    .command("show")
    .description("show an agent: model, tools and core memory")
    .argument("<agent>", "agent id or name")
    .option("--json", "print the agent as JSON")
    .action((ref: string, opts: { json?: boolean }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        const agent = await b.getAgent(ref);
        cli.print(opts.json ? JSON.stringify(agent, null, 2) : agentText(agent));
      }),
    );

  agents
    .command("update")
    .description("change an agent's model, embedding or name (its memory and messages stay)")
    .argument("<agent>", "agent id or name")
    .option("--model <handle>", "new model handle provider/model")
    .option("--embedding <handle>", 'new embedding handle provider/model, or "none" for lexical search only')
    .option("--name <name>", "new name (unique)")
    .option("--json", "print the agent as JSON")
    .addHelpText(
      "after",
      `
The next run of the agent uses the new model; nothing else changes.

Examples:
  $ lmos agents update default --model openai/gpt-4.1-mini
  $ lmos agents update ada --name grace --json`,
    )
    .action(
      (
        ref: string,
        opts: { model?: string; embedding?: string; name?: string; json?: boolean },
        cmd: Command,
      ) => {
        // `--model` is also a global option (the model of new agents): after the subcommand it may land there.
        const given = opts.model ?? (cmd.optsWithGlobals() as { model?: string }).model;
        const model = checkHandle(given, "--model");
        if (opts.embedding !== undefined && opts.embedding.toLowerCase() !== "none") {
          checkHandle(opts.embedding, "--embedding");
        }
        if (model === undefined && opts.embedding === undefined && opts.name === undefined) {
          throw new UsageError("nothing to change: give --model, --embedding or --name");
        }
        return cli.with(cmd, async (b) => {
          const agent = await b.updateAgent(ref, { model, embedding: opts.embedding, name: opts.name });
          cli.print(
            opts.json
              ? JSON.stringify(agent, null, 2)
              : `updated agent ${agent.name} (${agent.id}): model ${agent.model}`,
          );
        });
      },
    );

  agents
    .command("delete")
    .description("delete an agent with its memory and messages")
    .argument("<agent>", "agent id or name")
    .action((ref: string, _opts: unknown, cmd: Command) =>
      cli.with(cmd, async (b) => {
        const agent = await b.getAgent(ref);
        await b.deleteAgent(agent.id);
        cli.print(`deleted agent ${agent.name} (${agent.id})`);
      }),
    );

  registerAgentFiles(agents, cli);
}
