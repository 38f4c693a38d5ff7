// Agent files (Letta's .af): an agent exported through the Letta client's exportFile and imported with
// importFile into another lmos compiles to the same system prompt with the same window; a file written to
// Letta's published schema (letta/schemas/agent_file.py, the v2 format) imports; bad files get clear errors.
import Letta, { toFile } from "@letta-ai/letta-client";
import { afterEach, describe, expect, it } from "vitest";
import { textOf } from "./core-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";

const open: ServerFixture[] = [];
afterEach(async () => {
  for (const fx of open.splice(0)) await fx.close();
});

async function server(options: Parameters<typeof openServerFixture>[0] = {}) {
  const fx = await openServerFixture(options);
  open.push(fx);
  return { fx, client: new Letta({ baseURL: fx.url, apiKey: "unused", maxRetries: 0 }) };
}

/** The prompt without the one line that says what time it is now. */
const timeless = (prompt: string) => prompt.replace(/^- The current system date is: .*$/m, "");

async function upload(client: Letta, file: unknown, name = "agent.af") {
  return client.agents.importFile({ file: await toFile(Buffer.from(JSON.stringify(file)), name) });
}

describe("agent files", () => {
  it("round-trips an agent to another lmos: same prompt, window, summary, tools, rules and archival memory", async () => {
    const a = await server({
      replies: [
        toolCallReply("core_memory_append", {
          label: "human",
          content: "Likes teal.",
          request_heartbeat: true,
        }),
        sendMessageReply("Noted: teal."),
        { content: "The user introduced themselves and likes teal." }, // the summary
        sendMessageReply("Still teal."),
      ],
    });
    const agent = await a.fx.os.agents.create({
      name: "traveller",
      memoryBlocks: [
        { label: "persona", value: "I am a careful archivist." },
        { label: "human", value: "Name: Ada.", description: "About the user", limit: 900 },
      ],
      toolRules: [{ type: "exit_loop", toolName: "send_message" }],
      tags: ["moving"],
      settings: { warnFraction: 0.6 },
    });
    await agent.archival.insert("Ada's cat is called Turing.", ["pets"]);
    await agent.send("Hi, I'm Ada and I like teal.");
    await agent.compact();
    await agent.send("Remember my colour?");
    const before = await agent.context();

    const file = await a.client.agents.exportFile(agent.id);
    const json = file as unknown as {
      agents: Array<{ messages: unknown[]; in_context_message_ids: string[] }>;
    };
    expect(json.agents[0].in_context_message_ids[0]).toBe("message-0");

    const b = await server();
    const { agent_ids } = await upload(b.client, file);
    expect(agent_ids).toHaveLength(1);
    const moved = await b.fx.os.agents.get(agent_ids[0]);
    const after = await moved.context();
    expect(timeless(after.systemPrompt)).toBe(timeless(before.systemPrompt));
    expect(after.inContextMessages).toBe(before.inContextMessages);
    expect(after.total).toBe(before.total);
    const [was, now] = [await agent.state(), await moved.state()];
    expect(now.record).toMatchObject({
      name: "traveller",
      summary: was.record.summary,
      settings: was.record.settings,
      toolRules: was.record.toolRules,
      tags: ["moving"],
    });
    expect(now.record.summary).toContain("likes teal");
    expect(now.tools.map((t) => t.name).sort()).toEqual(was.tools.map((t) => t.name).sort());
    const windowOf = async (h: typeof agent) =>
      (await b.fx.os.store.getMessages((await h.state()).record.inContextMessageIds)).map(textOf);
    expect(await windowOf(moved)).toEqual(
      (await a.fx.os.store.getMessages(was.record.inContextMessageIds)).map(textOf),
    );
    expect((await moved.archival.list()).map((p) => p.text)).toEqual(["Ada's cat is called Turing."]);
    // The moved agent runs on: the next reply goes through the same window.
    b.fx.model.push(sendMessageReply("Teal, of course."));
    expect((await moved.send("And now?")).reply).toBe("Teal, of course.");
    // Importing the same file again names the copy apart.
    const again = await upload(b.client, file);
    expect((await b.client.agents.retrieve(again.agent_ids[0])).name).toBe("traveller_copy");
  });

  it("imports a file in Letta's own format, built from its published schema", async () => {
    const { fx, client } = await server({ replies: [sendMessageReply("Hello again, Sarah.")] });
    const system = "You are a helpful assistant specializing in data analysis.";
    const letta = {
      agents: [
        {
          name: "letta_native",
          memory_blocks: [],
          tools: [],
          tool_ids: ["tool-0", "tool-1"],
          source_ids: [],
          block_ids: ["block-0", "block-1"],
          tool_rules: [
            { tool_name: "send_message", type: "exit_loop", prompt_template: null },
            { tool_name: "conversation_search", type: "continue_loop", prompt_template: null },
          ],
          tags: ["test", "import"],
          system,
          agent_type: "memgpt_v2_agent",
          llm_config: {
            model: "gpt-4.1-mini",
            model_endpoint_type: "openai",
            model_endpoint: "https://api.openai.com/v1",
            provider_name: "openai",
            provider_category: "base",
            model_wrapper: null,
            context_window: 128000,
            put_inner_thoughts_in_kwargs: true,
            handle: "openai/gpt-4.1-mini",
            temperature: 1.0,
            max_tokens: null,
            enable_reasoner: true,
            reasoning_effort: null,
            max_reasoning_tokens: 0,
            frequency_penalty: 1.0,
            compatibility_type: null,
            verbosity: null,
            tier: null,
          },
          embedding_config: null,
          initial_message_sequence: null,
          include_base_tools: false,
          include_multi_agent_tools: false,
          include_base_tool_rules: false,
          include_default_source: false,
          description: null,
          metadata: null,
          model: null,
          embedding: null,
          context_window_limit: null,
          embedding_chunk_size: null,
          max_tokens: null,
          max_reasoning_tokens: null,
          enable_reasoner: false,
          reasoning: null,
          from_template: null,
          template: false,
          project: null,
          tool_exec_environment_variables: {},
          secrets: null,
          memory_variables: null,
          project_id: null,
          template_id: null,
          base_template_id: null,
          identity_ids: null,
          message_buffer_autoclear: false,
          enable_sleeptime: false,
          response_format: null,
          timezone: "UTC",
          max_files_open: 5,
          per_file_view_window_char_limit: 15000,
          hidden: null,
          id: "agent-0",
          in_context_message_ids: ["message-0", "message-1", "message-2", "message-3"],
          messages: [
            {
              type: "message",
              role: "system",
              content: [
                { type: "text", text: `${system}\n\n<memory_blocks>…</memory_blocks>`, signature: null },
              ],
              name: null,
              otid: null,
              sender_id: null,
              batch_item_id: null,
              group_id: null,
              id: "message-0",
              model: "gpt-4.1-mini",
              agent_id: "agent-0",
              tool_calls: null,
              tool_call_id: null,
              tool_returns: [],
              created_at: "2025-10-10T07:14:29.912336+00:00",
              approve: null,
              approval_request_id: null,
              denial_reason: null,
            },
            {
              type: "message",
              role: "user",
              content: [{ type: "text", text: "Hi, I am Sarah.", signature: null }],
              id: "message-1",
              agent_id: "agent-0",
              tool_calls: null,
              tool_call_id: null,
              tool_returns: [],
              created_at: "2025-10-10T07:14:30.000000+00:00",
            },
            {
              type: "message",
              role: "assistant",
              content: [{ type: "text", text: "Greeting the user.", signature: null }],
              id: "message-2",
              agent_id: "agent-0",
              tool_calls: [
                {
                  id: "f9a9765f-9285-4056-9916-d5bafb729bef",
                  function: {
                    arguments: '{\n  "message": "Nice to meet you, Sarah."\n}',
                    name: "send_message",
                  },
                  type: "function",
                },
              ],
              tool_call_id: null,
              tool_returns: [],
              created_at: "2025-10-10T07:14:31.000000+00:00",
            },
            {
              type: "message",
              role: "tool",
              content: [
                {
                  type: "text",
                  text: '{\n  "status": "OK",\n  "message": null,\n  "time": "2025-10-10 07:14:31 AM UTC+0000"\n}',
                },
              ],
              name: "send_message",
              id: "message-3",
              agent_id: "agent-0",
              tool_calls: null,
              tool_call_id: "f9a9765f-9285-4056-9916-d5bafb729bef",
              tool_returns: [],
              created_at: "2025-10-10T07:14:32.000000+00:00",
            },
          ],
          files_agents: [],
          group_ids: [],
        },
      ],
      groups: [],
      blocks: [
        {
          value: "username: sarah_researcher\noccupation: data scientist",
          limit: 4000,
          project_id: null,
          template_name: null,
          is_template: false,
          template_id: null,
          base_template_id: null,
          deployment_id: null,
          entity_id: null,
          preserve_on_migration: false,
          label: "human",
          read_only: false,
          description: "The human block: Stores key details about the person you are conversing with.",
          metadata: {},
          hidden: null,
          id: "block-0",
        },
        {
          value: "You are Alex, a data analyst.",
          limit: 8000,
          label: "persona",
          read_only: false,
          description: null,
          metadata: {},
          id: "block-1",
        },
      ],
      files: [],
      sources: [],
      tools: [
        {
          id: "tool-0",
          tool_type: "letta_core",
          description: "Sends a message to the human user.",
          source_type: "python",
          name: "send_message",
          tags: ["letta_core"],
          source_code: null,
          json_schema: {
            name: "send_message",
            description: "Sends a message",
            parameters: { type: "object", properties: {} },
          },
          args_json_schema: null,
          return_char_limit: 1000000,
          pip_requirements: null,
          npm_requirements: null,
          default_requires_approval: null,
          metadata_: {},
        },
        {
          id: "tool-1",
          tool_type: "custom",
          description: "Analyze data and provide insights.",
          source_type: "python",
          name: "analyze_data",
          tags: ["analysis"],
          source_code:
            'def analyze_data(data_type: str, values: list[float]) -> str:\n    """Analyze data and provide insights.\n\n    Args:\n        data_type: Type of data to analyze.\n        values: Numerical values to analyze.\n    """\n    return f"{data_type}: {sum(values) / len(values):.2f}"\n',
          json_schema: null,
          args_json_schema: null,
          return_char_limit: 50000,
          pip_requirements: null,
          npm_requirements: null,
          default_requires_approval: null,
          metadata_: {},
        },
      ],
      mcp_servers: [],
      metadata: { revision_id: "066857381578" },
      created_at: "2025-10-10T07:14:33.457962+00:00",
    };
    const { agent_ids } = await upload(client, letta);
    const agent = await client.agents.retrieve(agent_ids[0]);
    expect(agent).toMatchObject({
      name: "letta_native",
      agent_type: "memgpt_v2_agent",
      model: "openai/gpt-4.1-mini",
    });
    expect(Object.fromEntries(agent.blocks.map((b) => [b.label, b.value]))).toEqual({
      human: "username: sarah_researcher\noccupation: data scientist",
      persona: "You are Alex, a data analyst.",
    });
    expect(agent.tools.map((t) => t.name).sort()).toEqual(["analyze_data", "send_message"]);
    expect(agent.tool_rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ tool_name: "send_message", type: "exit_loop" })]),
    );
    // The window holds the three conversation messages (Letta's system message is compiled anew).
    const handle = await fx.os.agents.get(agent.id);
    const window = await fx.os.store.getMessages((await handle.state()).record.inContextMessageIds);
    expect(window.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    const listed = await client.agents.messages.list(agent.id, { order: "asc" });
    expect(
      listed.items.some(
        (m) => m.message_type === "assistant_message" && m.content === "Nice to meet you, Sarah.",
      ),
    ).toBe(true);
    const context = await handle.context();
    expect(context.systemPrompt.startsWith(system)).toBe(true);
    expect(context.systemPrompt).toContain("username: sarah_researcher");
    const res = await client.agents.messages.create(agent.id, {
      messages: [{ role: "user", content: "Remember me?" }],
    });
    expect(res.messages.some((m) => m.message_type === "assistant_message")).toBe(true);
    expect(fx.model.lastSystemPrompt()).toContain("You are Alex, a data analyst.");
  });

  it("refuses a corrupted or foreign file with a clear error and imports nothing", async () => {
    const { fx, client } = await server();
    const post = (body: string) => {
      const form = new FormData();
      form.set("file", new Blob([body]), "x.af");
      return fetch(`${fx.url}/v1/agents/import`, { method: "POST", body: form });
    };
    const corrupt = await post("{not json");
    expect(corrupt.status).toBe(400);
    expect((await readJson(corrupt)).detail).toContain("Corrupted agent file");
    expect((await post(JSON.stringify({ name: "legacy v1 agent" }))).status).toBe(422);
    expect((await fx.call("GET", "/v1/agents/agent-missing/export")).status).toBe(404);
    expect((await client.agents.list()).items).toEqual([]);
  });
});
