// Prints one chat turn as its events arrive: replies stream token by token, tool calls and memory edits
// get a line each. A whole message that follows its own deltas prints only what the deltas did not.
import type { ChatEvent } from "../backend/types.ts";
import { shortArgs } from "../format.ts";

export interface PrinterStyle {
  /** Decorate for a terminal: agent prompt, colours, thoughts shown dimmed. */
  tty: boolean;
  color: boolean;
  agentName: string;
}

/** Writes a turn's events to `out` (errors to `err`). */
export class TurnPrinter {
  private readonly replyTexts = new Map<string, string>();
  readonly errors: Array<{ code: string; message: string }> = [];
  stopReason: string | null = null;
  private readonly shown = new Map<string, string>();
  private open: string | null = null;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
    private readonly style: PrinterStyle,
  ) {}

  private paint(code: string, text: string): string {
    return this.style.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  private endLine(): void {
    if (this.open !== null) this.out.write("\n");
    this.open = null;
  }

  private line(text: string): void {
    this.endLine();
    this.out.write(`${text}\n`);
  }

  private prefix(kind: "reply" | "reasoning"): string {
    if (!this.style.tty) return "";
    return kind === "reply"
      ? `${this.paint("1;36", this.style.agentName)}> `
      : this.paint("2", "  (thinking) ");
  }

  private text(
    kind: "reply" | "reasoning",
    key: string,
    text: string,
    delta: boolean,
    tentative = false,
  ): void {
    // Tentative reply text (maybe monologue) streams on a terminal only; piped output waits for the whole
    // message, which then prints it as a reply or drops it as a thought.
    if (tentative && !this.style.tty) return;
    const before = this.shown.get(key) ?? "";
    const full = delta ? before + text : text;
    if (kind === "reply" && !tentative) this.replyTexts.set(key, full);
    // Thoughts are shown on a terminal only; piped output carries replies and actions.
    if (kind === "reasoning" && !this.style.tty) return;
    let rest: string;
    if (before && full.startsWith(before)) rest = full.slice(before.length);
    else {
      if (before) this.endLine(); // the whole text differs from what streamed: print it anew
      rest = full;
    }
    this.shown.set(key, full);
    if (this.open !== key) {
      this.endLine();
      if (!rest && !delta) return;
      this.out.write(this.prefix(kind));
      this.open = key;
    }
    this.out.write(kind === "reasoning" && this.style.color ? this.paint("2", rest) : rest);
    if (!delta) this.endLine();
  }

  /** The turn's replies so far, whole, in order. */
  get replies(): string[] {
    return [...this.replyTexts.values()];
  }

  /** Prints one event. */
  handle(e: ChatEvent): void {
    switch (e.type) {
      case "reply":
        this.text(e.type, e.key, e.text, e.delta, e.tentative);
        return;
      case "reasoning":
        this.text(e.type, e.key, e.text, e.delta);
        return;
      case "tool-call":
        this.line(this.paint("33", `  → ${e.name}(${shortArgs(e.arguments)})`));
        return;
      case "tool-return":
        if (!e.ok) this.line(this.paint("31", `  ✗ ${e.name ?? "tool"} failed: ${shortArgs(e.text, 160)}`));
        return;
      case "memory-edit":
        this.line(this.paint("35", `  ✎ memory "${e.label}" updated (${e.tool})`));
        return;
      case "pressure":
        this.line(
          this.paint(
            "33",
            e.action === "warn"
              ? "  ⚠ context is filling up: the agent was warned to save what matters"
              : `  ⚠ context full: ${e.evicted ?? "some"} messages moved into the summary`,
          ),
        );
        return;
      case "error":
        this.endLine();
        this.errors.push({ code: e.code, message: e.message });
        this.err.write(`error: ${e.message.split("\n")[0]}\n`);
        return;
      case "finish":
        this.stopReason = e.stopReason;
        if (e.stopReason === "max_steps") this.line("  (stopped: the step limit was reached)");
        else if (e.stopReason === "cancelled") this.line("  (cancelled)");
        return;
    }
  }

  /** Closes a line left open by streaming. */
  end(): void {
    this.endLine();
  }
}
