// `lmos mcp [agent]`: an MCP server on stdin/stdout exposing an agent's memory (or every agent's) to any
// MCP client, e.g. an editor's "command" MCP server entry. stdout carries the protocol only; messages for
// people go to stderr.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Cli } from "../cli-context.ts";

function version(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
        version: string;
      }
    ).version;
  } catch {
    return "0";
  }
}

/** Registers `lmos mcp`. */
export function register(program: Command, cli: Cli): void {
  program
    .command("mcp")
    .description("serve an agent's memory as an MCP server over stdio (tools and resources)")
    .argument("[agent]", "agent id or name (omit: every agent; tools then take an `agent` argument)")
    .addHelpText(
      "after",
      `
Tools: core_memory_read, core_memory_append, core_memory_replace, core_memory_write, archival_memory_insert,
archival_memory_search, conversation_search, send_message (and list_agents without an agent).
Resources: every core memory block, as lmos://agents/<agent_id>/blocks/<label>.
Over HTTP, \`lmos serve\` answers the same at /mcp and /v1/agents/<agent_id>/mcp (streamable HTTP).

Examples:
  $ lmos mcp ada
  an MCP client config: {"command": "lmos", "args": ["mcp", "ada"]}`,
    )
    .action(async (agent: string | undefined, _opts: unknown, cmd: Command) => {
      const lmos = await cli.openLmos(cmd, "mcp");
      const { memoryMcpServer } = await import("../../server/index.ts");
      const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
      let server: Awaited<ReturnType<typeof memoryMcpServer>>;
      try {
        server = await memoryMcpServer(lmos, { agent, version: version() });
      } catch (e) {
        await lmos.close();
        throw e;
      }
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        process.stdin.once("end", () => resolve());
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await server.connect(transport);
      cli.io.stderr.write(`lmos mcp: serving ${agent ? `agent "${agent}"` : "every agent"} on stdio\n`);
      await closed;
      await server.close().catch(() => {});
      await lmos.close();
    });
}
