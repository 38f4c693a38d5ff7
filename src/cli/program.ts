// The `lmos` command: global options, every subcommand, and how a run ends (exit codes 0/1/2, one-line errors).
import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { Cli, type CliIO } from "./cli-context.ts";
import { register as agents } from "./commands/agents.ts";
import { register as archival } from "./commands/archival.ts";
import { register as backup } from "./commands/backup.ts";
import { register as chat } from "./commands/chat.ts";
import { register as context } from "./commands/context.ts";
import { register as ingest, type SourcesCliContext } from "./commands/ingest.ts";
import { register as keys } from "./commands/keys.ts";
import { register as mcp } from "./commands/mcp.ts";
import { register as memory } from "./commands/memory.ts";
import { register as migrate } from "./commands/migrate.ts";
import { register as runs } from "./commands/runs.ts";
import { register as schedules } from "./commands/schedules.ts";
import { register as send } from "./commands/send.ts";
import { register as serve } from "./commands/serve.ts";
import { register as sources } from "./commands/sources.ts";
import { errorLine, exitCodeOf } from "./errors.ts";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

const VALUE_OPTIONS = new Set(["--home", "--model", "--url", "--api-key"]);

/** The subcommand named on the command line (the first word that is not a global option). */
export function commandOf(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

/** Builds the program for `argv`; `lmos cr …` (heavy: the tensor code) loads only when it is the command. */
export async function buildProgram(io: CliIO, argv: string[] = []): Promise<{ program: Command; cli: Cli }> {
  const cli = new Cli(io);
  const program = new Command("lmos")
    .description(
      "lmos: an operating system for language-model agents (MemGPT-style memory, Letta-compatible API)",
    )
    .version(version(), "-V, --version", "print the version")
    .option(
      "--home <dir>",
      "where lmos keeps its data (default: LMOS_HOME or ~/.lmos; LMOS_DATABASE_URL=postgres://… keeps it in PostgreSQL)",
    )
    .option("--model <handle>", "model for new agents, provider/model (default: LMOS_MODEL)")
    .option("--url <url>", "talk to a running lmos server instead of the local data (default: LMOS_URL)")
    .option("--api-key <key>", "API key for --url (default: LMOS_API_KEY)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // one line: commander's suggestion ("Did you mean …?") joins the message
      outputError: (s, write) => {
        const line = s.trim().replace(/\s*\n\s*/g, " ");
        write(`${line}${/Did you mean/.test(line) ? "" : " (see --help)"}\n`);
      },
    })
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      `
Models: set OPENAI_API_KEY (or OPENAI_BASE_URL for Ollama, vLLM, llama.cpp, LM Studio) or ANTHROPIC_API_KEY,
and LMOS_MODEL, e.g. openai/gpt-4o-mini, anthropic/claude-sonnet-4, ollama/llama3.1.

Examples:
  $ lmos chat                                   chat with the agent "default"
  $ lmos agents create --name ada --json
  $ lmos send ada "Remember that my cat is called Turing."
  $ lmos memory show ada human
  $ lmos serve --port 8283`,
    );

  serve(program, cli);
  chat(program, cli);
  agents(program, cli);
  memory(program, cli);
  archival(program, cli);
  runs(program, cli);
  schedules(program, cli);
  backup(program, cli);
  migrate(program, cli);
  keys(program, cli);
  send(program, cli);
  context(program, cli);
  mcp(program, cli);
  const docs: SourcesCliContext = {
    open: () => cli.openLmos(program, "sources and ingest"),
    stdout: io.stdout,
    stderr: io.stderr,
  };
  sources(program, docs);
  ingest(program, docs);
  // The lazily loaded cr command has this module's own extension: .ts from src, .js from dist.
  const crModule = new URL(`./commands/cr${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  if (existsSync(crModule)) {
    if (commandOf(argv) === "cr") {
      const cr = (await import(crModule.href)) as { register(program: Command, ctx?: unknown): void };
      cr.register(program, docs);
    } else {
      program.command("cr").description("compressor-retriever: train, evaluate and inspect the miniature");
    }
  }
  return { program, cli };
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    const { program, cli } = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: "user" });
    // ingest (documents) reports failed files through process.exitCode
    return cli.exitCode || (typeof process.exitCode === "number" ? process.exitCode : 0);
  } catch (e) {
    const code = exitCodeOf(e);
    // commander printed its own message (usage errors, help, version)
    if (!(e instanceof Error && e.name === "CommanderError")) io.stderr.write(`${errorLine(e)}\n`);
    return code;
  }
}
