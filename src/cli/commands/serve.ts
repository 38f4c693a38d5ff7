// `lmos serve`: the Letta-compatible HTTP server on the embedded store, until SIGINT/SIGTERM.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { Cli } from "../cli-context.ts";
import { globalsOf } from "../cli-context.ts";
import { UsageError } from "../errors.ts";
import { announceServer, peersLine, servePeers } from "./serve-peers.ts";

const DEFAULT_PORT = 8283;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("expected a port 0–65535.");
  return n;
}

/** Registers `lmos serve`. */
export function register(program: Command, cli: Cli): void {
  program
    .command("serve")
    .description("run the HTTP API (Letta-compatible, under /v1) on the embedded store")
    .option("-p, --port <n>", `port (default: LMOS_PORT or ${DEFAULT_PORT}; 0 picks a free one)`, port)
    .option("--host <host>", "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    .option(
      "--cors <origins>",
      'browser origins allowed to call the API, comma-separated, or "*" (default: LMOS_CORS_ORIGINS; none)',
    )
    .addHelpText(
      "after",
      `
Requests need "Authorization: Bearer <key>" when --api-key or LMOS_API_KEY is set (all but /v1/health).
A second server on the same data dir (LMOS_HOME) says so in one line naming the first one's pid and URL,
and then serves too: each agent's runs take turns between them through the database.

Examples:
  $ lmos serve
  $ LMOS_API_KEY=secret lmos serve --port 9000 --host 0.0.0.0
  $ lmos serve --cors http://localhost:5173
  $ lmos agents list --url http://127.0.0.1:8283`,
    )
    .action(async (opts: { port?: number; host?: string; cors?: string }, cmd: Command) => {
      const g = globalsOf(cmd, cli.io.env);
      if (g.url) throw new UsageError("serve runs a server on this machine; it takes no --url");
      const envPort = cli.io.env.LMOS_PORT;
      let listenPort = opts.port;
      if (listenPort === undefined && envPort) {
        try {
          listenPort = port(envPort);
        } catch {
          throw new UsageError(`LMOS_PORT "${envPort}" is not a port number 0–65535`);
        }
      }
      const lmos = await cli.openLmos(cmd);
      const { parseOrigins, startServer } = await import("../../server/index.ts");
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          lmos,
          port: listenPort ?? DEFAULT_PORT,
          host: opts.host ?? "127.0.0.1",
          corsOrigins: parseOrigins(opts.cors ?? cli.io.env.LMOS_CORS_ORIGINS),
          ...(g.apiKey ? { apiKey: g.apiKey } : {}),
        });
      } catch (e) {
        await lmos.close();
        throw e;
      }
      const others = peersLine(lmos.config.home, servePeers(lmos.config.home));
      if (others) cli.io.stderr.write(`${others}\n`);
      const unannounce = announceServer(lmos.config.home, server.url);
      cli.print(`lmos server listening on ${server.url}`);
      cli.print(`  data in ${lmos.config.home}${g.apiKey ? " · API key required" : ""} · Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      cli.io.stderr.write("shutting down…\n");
      unannounce();
      await server.close();
      await lmos.close();
    });
}
