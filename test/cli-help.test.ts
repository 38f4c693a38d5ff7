// Help and usage errors, in process (no child needed: nothing here opens lmos): every command documents
// itself and exits 0 on --help; bad flags and arguments exit 2 with one line.
import { describe, expect, it } from "vitest";
import { commandOf, runCli } from "../src/cli/program.ts";
import { textSink } from "./cli-harness.ts";

async function cli(...argv: string[]) {
  const out = textSink();
  const err = textSink();
  const code = await runCli(argv, { stdin: process.stdin, stdout: out.stream, stderr: err.stream, env: {} });
  return { code, stdout: out.text(), stderr: err.text() };
}

const COMMANDS = [
  [],
  ["serve"],
  ["chat"],
  ["agents"],
  ["agents", "list"],
  ["agents", "create"],
  ["agents", "show"],
  ["agents", "delete"],
  ["memory"],
  ["memory", "show"],
  ["memory", "edit"],
  ["archival"],
  ["archival", "insert"],
  ["archival", "search"],
  ["send"],
  ["context"],
  ["sources"],
  ["ingest"],
  ["migrate"],
];

describe("lmos --help", () => {
  it.each(COMMANDS.map((c) => [c.join(" ") || "(top)", c]))(
    "%s --help exits 0 with a description",
    async (_, args) => {
      const r = await cli(...(args as string[]), "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: lmos/);
      expect(r.stderr).toBe("");
    },
  );

  it("finds the command past global options (so `lmos cr` loads its code only when used)", () => {
    expect(commandOf(["--home", "/h", "--url", "http://x", "cr", "train"])).toBe("cr");
    expect(commandOf(["--json"])).toBeUndefined();
  });

  it("prints the version", async () => {
    const r = await cli("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("usage errors exit 2 with one line", () => {
  it.each([
    ["missing argument", ["send", "ada"]],
    ["unknown option", ["agents", "list", "--bogus"]],
    ["unknown command", ["agnets"]],
    ["bad number", ["archival", "search", "ada", "cats", "--limit", "0"]],
    ["bad model handle", ["--model", "gpt-4o", "agents", "list"]],
    ["bad url", ["--url", "localhost:8283", "agents", "list"]],
    ["both value and append", ["memory", "edit", "ada", "human", "--value", "a", "--append", "b"]],
    ["missing --name", ["agents", "create"]],
    ["migrate without --to", ["migrate", "--from", "lmos.db"]],
    ["migrate to a non-database URL", ["migrate", "--from", "lmos.db", "--to", "mysql://db/lmos"]],
    ["migrate with a bad batch size", ["migrate", "--from", "a.db", "--to", "b.db", "--batch-size", "0"]],
  ])("%s", async (_, args) => {
    const r = await cli(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
  });
});
