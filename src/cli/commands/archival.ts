// `lmos archival insert|search`: an agent's archival memory.
import type { Command } from "commander";
import { collect, positiveInt } from "../args.ts";
import type { Cli } from "../cli-context.ts";
import { UsageError } from "../errors.ts";
import { passagesText } from "../format.ts";

/** Registers `lmos archival`. */
export function register(program: Command, cli: Cli): void {
  const archival = program
    .command("archival")
    .description("insert into and search an agent's archival memory");

  archival
    .command("insert")
    .description("store a passage in the agent's archival memory")
    .argument("<agent>", "agent id or name")
    .argument("<text>", "the passage")
    .option("--tag <tag>", "a tag (repeat for several)", collect, [])
    .option("--json", "print the stored passages as JSON")
    .addHelpText("after", `\nExample:\n  $ lmos archival insert ada "Ada's cat is called Turing." --tag pets`)
    .action((agent: string, text: string, opts: { tag: string[]; json?: boolean }, cmd: Command) => {
      if (!text.trim()) throw new UsageError("the passage is empty");
      return cli.with(cmd, async (b) => {
        const passages = await b.archivalInsert(agent, text, opts.tag);
        cli.print(
          opts.json ? JSON.stringify(passages, null, 2) : passages.map((p) => `inserted ${p.id}`).join("\n"),
        );
      });
    });

  archival
    .command("search")
    .description("search the agent's archival memory (keywords, and meaning when an embedder is set)")
    .argument("<agent>", "agent id or name")
    .argument("<query>", "what to look for")
    .option("--tag <tag>", "only passages with this tag (repeat for several)", collect, [])
    .option("-n, --limit <n>", "number of passages", positiveInt, 5)
    .option("--json", "print the passages as JSON")
    .addHelpText("after", `\nExample:\n  $ lmos archival search ada "cat name" --limit 3`)
    .action(
      (agent: string, query: string, opts: { tag: string[]; limit: number; json?: boolean }, cmd: Command) =>
        cli.with(cmd, async (b) => {
          const hits = await b.archivalSearch(agent, query, { tags: opts.tag, limit: opts.limit });
          cli.print(opts.json ? JSON.stringify(hits, null, 2) : passagesText(hits));
        }),
    );
}
