// Entry point of the `lmos` command (bin/lmos.js runs it through tsx).
import { runCli } from "./program.ts";

// A reader that stops early (`lmos agents list | head`) closes the pipe: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
// Leave once output is flushed, even if a library left a handle open (a keep-alive socket, a timer).
setTimeout(() => process.exit(code), 1500).unref();
