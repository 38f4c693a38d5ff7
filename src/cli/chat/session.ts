// An interactive chat: one line is one message; slash commands look at and manage the agent's memory.
// On a terminal there is a prompt, colour, and Ctrl-C cancels the turn in progress; piped stdin gets
// plain output, which is how scripts and tests drive it.
import { createInterface } from "node:readline";
import { LmosError } from "../../errors.ts";
import type { Backend, CliAgent } from "../backend/types.ts";
import type { CliIO } from "../cli-context.ts";
import { errorLine } from "../errors.ts";
import { blocksText, contextBreakdown, contextLine } from "../format.ts";
import { TurnPrinter } from "./turn-printer.ts";

const HELP = `commands:
  /memory [label]  show core memory (or one block)
  /context         what fills the context window
  /reset           empty the context window (messages stay searchable in recall)
  /exit            leave (Ctrl-D too)`;

// Errors after which no further message can succeed: stop the chat.
const FATAL = new Set(["no_provider", "not_found", "unauthorized"]);

export interface ChatOptions {
  maxSteps?: number;
}

/** Runs the chat until /exit or end of input; resolves to true when every turn succeeded. */
export async function runChat(backend: Backend, agent: CliAgent, io: CliIO, options: ChatOptions = {}) {
  const tty = Boolean(io.stdin.isTTY && io.stdout.isTTY);
  const color = tty && !io.env.NO_COLOR;
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
  const out = (s: string) => io.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
  let ok = true;
  let turn: AbortController | null = null;

  const rl = createInterface({ input: io.stdin, output: tty ? io.stdout : undefined, terminal: tty });
  if (tty) {
    out(dim(`chatting with ${agent.name} (${agent.model}) · /help for commands · Ctrl-D to leave`));
    rl.setPrompt("you> ");
    rl.on("SIGINT", () => {
      if (turn) turn.abort();
      else rl.close();
    });
  }

  async function say(text: string): Promise<void> {
    const printer = new TurnPrinter(io.stdout, io.stderr, { tty, color, agentName: agent.name });
    turn = new AbortController();
    try {
      const opts = { signal: turn.signal, ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}) };
      for await (const e of backend.stream(agent.id, text, opts)) printer.handle(e);
    } catch (e) {
      printer.end();
      if (LmosError.is(e) && FATAL.has(e.code)) throw e;
      if (!(LmosError.is(e) && e.code === "cancelled")) {
        io.stderr.write(`${errorLine(e)}\n`);
        ok = false;
      }
    } finally {
      turn = null;
    }
    printer.end();
    if (printer.errors.length > 0) ok = false;
    out(dim(contextLine(await backend.context(agent.id))));
  }

  /** Handles a slash command; false when the chat should end. */
  async function command(line: string): Promise<boolean> {
    const [name, ...rest] = line.slice(1).trim().split(/\s+/);
    switch (name) {
      case "exit":
      case "quit":
        return false;
      case "memory": {
        const label = rest[0];
        out(
          label ? (await backend.block(agent.id, label)).value : blocksText(await backend.blocks(agent.id)),
        );
        return true;
      }
      case "context": {
        const c = await backend.context(agent.id);
        out(`${contextLine(c)}\n${contextBreakdown(c)}`);
        return true;
      }
      case "reset": {
        await backend.reset(agent.id);
        out(
          `context window emptied; earlier messages stay in recall\n${dim(contextLine(await backend.context(agent.id)))}`,
        );
        return true;
      }
      case "help":
        out(HELP);
        return true;
      default:
        out(`unknown command /${name}; /help lists the commands`);
        return true;
    }
  }

  try {
    if (tty) rl.prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (line) {
        if (line.startsWith("/")) {
          try {
            if (!(await command(line))) break;
          } catch (e) {
            if (LmosError.is(e) && e.code === "not_found" && line.startsWith("/memory ")) {
              io.stderr.write(`${errorLine(e)}\n`);
            } else throw e;
          }
        } else await say(line);
      }
      if (tty) rl.prompt();
    }
  } finally {
    rl.close();
  }
  return ok;
}
