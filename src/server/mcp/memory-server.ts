// lmos as an MCP server: an agent's memory as MCP tools (core blocks read and edit, archival insert and
// search, conversation search, send a message to the agent) and its core blocks as resources, so any MCP
// client — an editor, another agent framework — can use lmos as its memory. Bound to one agent (`lmos mcp
// ada`, /v1/agents/{id}/mcp) the tools act on it; unbound (`lmos mcp`, /mcp) each tool names its agent.
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import {
  archivalSearchSchema,
  blockEditSchema,
  inputSchema,
  recallOptionsSchema,
  recallQuerySchema,
  trustedApi,
  validate,
} from "../../runtime/index.ts";
import type { AgentHandle, Lmos } from "../../runtime/types.ts";
import { BlockEditError } from "../../store/index.ts";
import type { BlockEditOp } from "../../store/types.ts";

export interface MemoryServerOptions {
  /** The agent (id or name) the tools act on; without it every tool takes an `agent` argument. */
  agent?: string;
  /** Server version reported to clients. */
  version?: string;
}

const text = (t: string): CallToolResult => ({ content: [{ type: "text", text: t }] });

function failure(e: unknown): CallToolResult {
  const message = e instanceof Error ? e.message : String(e);
  return { content: [{ type: "text", text: message.replace(/^Error: /, "") }], isError: true };
}

const BLOCK_URI = "lmos://agents/{agent_id}/blocks/{label}";
const blockUri = (agentId: string, label: string) =>
  `lmos://agents/${encodeURIComponent(agentId)}/blocks/${encodeURIComponent(label)}`;

/** An MCP server over `lmos` (connect it to a transport: stdio for `lmos mcp`, streamable HTTP under serve). */
export async function memoryMcpServer(lmos: Lmos, options: MemoryServerOptions = {}): Promise<McpServer> {
  // One boundary: the MCP SDK checks each call's arguments with the tool's shape, this file checks what it
  // builds from them with the library's schemas, and the agents' trusted handles take that as it is.
  const trusted = trustedApi(lmos);
  const bound = options.agent ? await trusted.agents.get(options.agent) : null;
  const server = new McpServer(
    { name: "lmos-memory", version: options.version ?? "0" },
    {
      instructions: bound
        ? `Memory of the lmos agent "${(await bound.state()).record.name}" (${bound.id}).`
        : "Memory of lmos agents: list_agents, then pass `agent` (id or name) to each tool.",
    },
  );
  const agentArg = bound
    ? {}
    : { agent: z.string().min(1).describe("The agent's id or name (see list_agents).") };
  const agentOf = async (args: { agent?: string }): Promise<AgentHandle> => {
    if (bound) return bound;
    if (!args.agent) throw new LmosError("invalid_argument", "agent: give the agent's id or name");
    return trusted.agents.get(args.agent);
  };

  // Every tool: resolve the agent, run, and turn any error into a tool error the client can show.
  function tool<S extends z.ZodRawShape>(
    name: string,
    description: string,
    shape: S,
    run: (agent: AgentHandle, args: z.infer<z.ZodObject<S>> & { agent?: string }) => Promise<string>,
    readOnly = false,
  ): void {
    server.registerTool(
      name,
      { description, inputSchema: { ...agentArg, ...shape }, annotations: { readOnlyHint: readOnly } },
      (async (args: z.infer<z.ZodObject<S>> & { agent?: string }) => {
        try {
          return text(await run(await agentOf(args), args));
        } catch (e) {
          return failure(e);
        }
      }) as never,
    );
  }

  if (!bound) {
    server.registerTool(
      "list_agents",
      { description: "The lmos agents: id, name, description.", annotations: { readOnlyHint: true } },
      async () => {
        const agents = await lmos.agents.list({ limit: 1000 });
        const rows = agents.map((v) => ({
          id: v.record.id,
          name: v.record.name,
          description: v.record.description,
        }));
        return text(JSON.stringify(rows, null, 2));
      },
    );
  }

  tool(
    "core_memory_read",
    "Read the agent's core memory blocks (always in its context): one block by label, or all of them.",
    { label: z.string().optional().describe("Block label, e.g. human or persona; omit for every block.") },
    async (agent, { label }) => {
      const blocks = label ? [await agent.memory.get(label)] : await agent.memory.list();
      return blocks
        .map(
          (b) =>
            `<${b.label} chars="${b.value.length}/${b.limit}"${b.readOnly ? " read_only" : ""}>\n${b.value}\n</${b.label}>`,
        )
        .join("\n\n");
    },
    true,
  );

  // Applied to the block as stored now (one write, store BlockEdit), not to a value read first: an MCP
  // client's append must not drop one a running agent committed in between.
  async function edit(agent: AgentHandle, label: string, op: BlockEditOp) {
    try {
      const block = await agent.memory.edit(label, validate(blockEditSchema, op, "edit"));
      return `Block "${label}" now has ${block.value.length} of ${block.limit} characters.`;
    } catch (e) {
      if (BlockEditError.isBlockEdit(e)) throw new LmosError("invalid_argument", e.message);
      throw e;
    }
  }

  tool(
    "core_memory_append",
    "Append a line to one of the agent's core memory blocks.",
    { label: z.string().min(1), content: z.string().min(1) },
    (agent, { label, content }) => edit(agent, label, { op: "append", text: content }),
  );
  tool(
    "core_memory_replace",
    "Replace exact text in one of the agent's core memory blocks (new_content empty deletes it).",
    { label: z.string().min(1), old_content: z.string().min(1), new_content: z.string() },
    (agent, a) => edit(agent, a.label, { op: "replace", old: a.old_content, new: a.new_content }),
  );
  tool(
    "core_memory_write",
    "Rewrite one of the agent's core memory blocks entirely.",
    { label: z.string().min(1), value: z.string() },
    (agent, { label, value }) => edit(agent, label, { op: "rethink", value }),
  );
  tool(
    "archival_memory_insert",
    "Store a passage in the agent's archival memory (long-term, searchable).",
    { content: z.string().min(1), tags: z.array(z.string()).optional() },
    async (agent, { content, tags }) => {
      const passages = await agent.archival.insert(content, tags ?? []);
      return `Stored ${passages.length} passage(s): ${passages.map((p) => p.id).join(", ")}`;
    },
  );
  tool(
    "archival_memory_search",
    "Search the agent's archival memory (keyword and, when configured, meaning), best first.",
    {
      query: z.string().min(1),
      tags: z.array(z.string()).optional(),
      top_k: z.number().int().min(1).max(100).optional(),
    },
    async (agent, { query, tags, top_k }) => {
      const options = validate(archivalSearchSchema, { tags, limit: top_k ?? 5 }, "options");
      const hits = await agent.archival.search(query, options);
      const rows = hits.map((h) => ({
        id: h.passage.id,
        content: h.passage.text,
        tags: h.passage.tags,
        time: h.passage.createdAt,
      }));
      return JSON.stringify({ count: rows.length, results: rows }, null, 2);
    },
    true,
  );
  tool(
    "conversation_search",
    "Search everything the agent and its users said (recall memory), best first.",
    {
      query: z.string().describe("Words to look for; empty for the latest messages."),
      limit: z.number().int().min(1).max(100).optional(),
      roles: z.array(z.enum(["user", "assistant"])).optional(),
    },
    async (agent, { query, limit, roles }) => {
      const options = validate(recallOptionsSchema, { limit: limit ?? 10, roles }, "options");
      const hits = await agent.recall.search(validate(recallQuerySchema, query, "query"), options);
      const rows = hits.map((h) => ({
        id: h.message.id,
        role: h.message.role,
        time: h.message.createdAt,
        content: h.text,
      }));
      return JSON.stringify({ count: rows.length, results: rows }, null, 2);
    },
    true,
  );
  tool(
    "send_message",
    "Send a message to the agent and get its reply (the agent runs: it may use its tools and memory).",
    { message: z.string().min(1) },
    async (agent, { message }) => {
      const result = await agent.send(validate(inputSchema, message, "input"));
      if (result.error)
        throw new LmosError("provider_error", `the agent's run failed: ${result.error.message}`);
      if (result.stopReason === "requires_approval") {
        const held =
          (await agent.state()).record.pendingApproval?.toolCalls.map((c) => c.name).join(", ") ?? "";
        return `${result.reply ? `${result.reply}\n\n` : ""}[the agent paused: ${held} waits for a human's approval]`;
      }
      return result.reply || "(the agent gave no reply)";
    },
  );

  server.registerResource(
    "core_memory_block",
    new ResourceTemplate(BLOCK_URI, {
      list: async () => {
        const agents = bound ? [await bound.state()] : await lmos.agents.list({ limit: 1000 });
        return {
          resources: agents.flatMap((v) =>
            v.blocks.map((b) => ({
              uri: blockUri(v.record.id, b.label),
              name: `${v.record.name}/${b.label}`,
              description: b.description ?? undefined,
              mimeType: "text/plain",
            })),
          ),
        };
      },
    }),
    { description: "A core memory block of an lmos agent", mimeType: "text/plain" },
    async (uri, vars) => {
      const agentId = decodeURIComponent(String(vars.agent_id));
      const label = decodeURIComponent(String(vars.label));
      if (bound && agentId !== bound.id)
        throw new LmosError("not_found", `this server serves agent ${bound.id} only`);
      const block = await (await trusted.agents.get(agentId)).memory.get(label);
      return { contents: [{ uri: uri.href, mimeType: "text/plain", text: block.value }] };
    },
  );
  return server;
}
