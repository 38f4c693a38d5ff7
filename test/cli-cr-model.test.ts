// `lmos cr eval|inspect --model <path>` reads that file: the program's own `--model <handle>` (for new
// agents) used to take the value, so the shipped model was evaluated whatever the flag said.
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/program.ts";
import { textSink } from "./cli-harness.ts";

describe("lmos cr --model", () => {
  it.each([["eval"], ["inspect"]])("cr %s --model <missing file> fails naming that file", async (cmd) => {
    const out = textSink();
    const err = textSink();
    const code = await runCli(["cr", cmd, "--model", "/nonexistent/cr-model.safetensors"], {
      stdin: process.stdin,
      stdout: out.stream,
      stderr: err.stream,
      env: {},
    });
    expect(code).not.toBe(0);
    expect(err.text() + out.text()).toContain("/nonexistent/cr-model.safetensors");
  });
});
