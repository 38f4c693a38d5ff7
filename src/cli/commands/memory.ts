// `lmos memory show|edit`: an agent's core memory blocks.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { readAll } from "../args.ts";
import type { Cli } from "../cli-context.ts";
import { UsageError } from "../errors.ts";
import { blocksText, int } from "../format.ts";

/** Opens `value` in the user's editor and returns what they saved. */
function editInEditor(value: string, env: Record<string, string | undefined>): string {
  const editor = env.VISUAL || env.EDITOR || "vi";
  const dir = mkdtempSync(join(tmpdir(), "lmos-edit-"));
  const file = join(dir, "block.txt");
  try {
    writeFileSync(file, value);
    const r = spawnSync(`${editor} "${file}"`, { stdio: "inherit", shell: true });
    if (r.status !== 0)
      throw new UsageError(`the editor "${editor}" exited with ${r.status ?? r.signal}; nothing saved`);
    return readFileSync(file, "utf8").replace(/\n$/, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Registers `lmos memory`. */
export function register(program: Command, cli: Cli): void {
  const memory = program.command("memory").description("show and edit an agent's core memory blocks");

  memory
    .command("show")
    .description("print the agent's memory blocks, or exactly one block's value")
    .argument("<agent>", "agent id or name")
    .argument("[label]", "a block label, e.g. human or persona")
    .option("--json", "print the blocks as JSON")
    .addHelpText(
      "after",
      `
Examples:
  $ lmos memory show ada
  $ lmos memory show ada human        # just the value, for scripts`,
    )
    .action((agent: string, label: string | undefined, opts: { json?: boolean }, cmd: Command) =>
      cli.with(cmd, async (b) => {
        if (label !== undefined) {
          const block = await b.block(agent, label);
          cli.print(opts.json ? JSON.stringify(block, null, 2) : block.value);
          return;
        }
        const blocks = await b.blocks(agent);
        cli.print(opts.json ? JSON.stringify(blocks, null, 2) : blocksText(blocks));
      }),
    );

  memory
    .command("edit")
    .description("set or append to a block's value (from --value, --append, stdin, or $EDITOR on a terminal)")
    .argument("<agent>", "agent id or name")
    .argument("<label>", "the block label, e.g. human or persona")
    .option("--value <text>", "the new value")
    .option("--append <text>", "text to add on a new line at the end")
    .addHelpText(
      "after",
      `
Examples:
  $ lmos memory edit ada human --value "Name: Ada. Likes chess."
  $ lmos memory edit ada human --append "Lives in Lyon."
  $ echo "I am terse." | lmos memory edit ada persona
  $ lmos memory edit ada persona      # opens $EDITOR`,
    )
    .action(async (agent: string, label: string, opts: { value?: string; append?: string }, cmd: Command) => {
      if (opts.value !== undefined && opts.append !== undefined) {
        throw new UsageError("give either --value or --append, not both");
      }
      const { stdin, env } = cli.io;
      const piped = opts.value === undefined && opts.append === undefined && !stdin.isTTY;
      const input = piped ? (await readAll(stdin)).replace(/\n$/, "") : undefined;
      await cli.with(cmd, async (b) => {
        const current = await b.block(agent, label);
        let value: string;
        if (opts.value !== undefined) value = opts.value;
        else if (opts.append !== undefined)
          value = current.value ? `${current.value}\n${opts.append}` : opts.append;
        else if (input !== undefined) value = input;
        else value = editInEditor(current.value, env);
        if (value === current.value) {
          cli.print(`no change to "${label}"`);
          return;
        }
        const saved = await b.setBlock(agent, label, value);
        const size = `${int(saved.value.length)}${saved.limit != null ? ` / ${int(saved.limit)}` : ""} chars`;
        cli.print(`updated "${saved.label}" (${size})`);
      });
    });
}
