// An agent → Letta's agent file (.af, AgentFileSchema of letta/schemas/agent_file.py, the "v2" format):
// the agent with file-local ids ("agent-0", "block-0", "message-0", …), its blocks, tools, sources and
// files, and its messages (message-0 is the compiled system prompt, as Letta stores it). What Letta's
// schema has no field for (lmos's loop settings, the recursive summary, message kinds, archival passages)
// travels in the file's `metadata.lmos` as a JSON string (that field is Dict[str, str]), so a Letta
// server reads the file as it is and lmos restores the agent whole.
import type { Lmos } from "../../runtime/types.ts";
import { newMessageRecord } from "../../store/index.ts";
import type { MessageRecord } from "../../store/types.ts";
import { embeddingConfig, llmConfig } from "./records.ts";
import { toolRulesToLetta } from "./tool-rules.ts";

type Json = Record<string, unknown>;

/** The extras of one agent in `metadata.lmos` (see agent-file-import.ts). */
export interface LmosAgentExtras {
  settings: Json;
  summary: string;
  memoryEditedAt: string | null;
  pressureWarned: boolean;
  contextWindow: number | null;
  /** Message kinds (heartbeat, system_alert, …) by file message id. */
  kinds: Record<string, string>;
  passages: Array<{ text: string; tags: string[]; createdAt: string }>;
}

/** Hands out file-local ids per prefix in first-seen order. */
class LocalIds {
  private readonly ids = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  of(prefix: string, id: string): string {
    const key = `${prefix}:${id}`;
    let local = this.ids.get(key);
    if (!local) {
      const n = this.counts.get(prefix) ?? 0;
      this.counts.set(prefix, n + 1);
      local = `${prefix}-${n}`;
      this.ids.set(key, local);
    }
    return local;
  }
}

function messageSchema(m: MessageRecord, id: string, agentId: string, model: string): Json {
  const content = m.content.map((p) =>
    p.type === "text"
      ? { type: "text", text: p.text, signature: null }
      : p.type === "reasoning"
        ? { type: "reasoning", is_native: false, reasoning: p.text, signature: null }
        : {
            type: "image",
            source: p.url
              ? { type: "url", url: p.url }
              : { type: "base64", media_type: p.mediaType, data: p.data },
          },
  );
  return {
    type: "message",
    role: m.role,
    content,
    name: m.name,
    otid: null,
    sender_id: null,
    batch_item_id: null,
    group_id: null,
    id,
    model,
    agent_id: agentId,
    tool_calls: m.toolCalls.length
      ? m.toolCalls.map((c) => ({
          id: c.id,
          function: { name: c.name, arguments: c.arguments },
          type: "function",
        }))
      : null,
    tool_call_id: m.toolCallId,
    tool_returns: [],
    created_at: m.createdAt,
    approve: null,
    approval_request_id: null,
    denial_reason: null,
  };
}

/** Letta's AgentFileSchema of one agent; `scrubMessages` leaves its messages out (Letta's scrub_messages). */
export async function exportAgentFile(
  lmos: Lmos,
  idOrName: string,
  options: { scrubMessages?: boolean } = {},
): Promise<Json> {
  const handle = await lmos.agents.get(idOrName);
  const view = await handle.state();
  const { record: a } = view;
  const ids = new LocalIds();
  const agentId = ids.of("agent", a.id);
  const modelName = a.model.slice(a.model.indexOf("/") + 1);

  const messages: Json[] = [];
  const inContext: string[] = [];
  const kinds: Record<string, string> = {};
  if (!options.scrubMessages) {
    // message-0: the system prompt as compiled now (Letta keeps it as the first in-context message).
    const { systemPrompt } = await handle.context();
    const system = ids.of("message", `system:${a.id}`);
    messages.push(
      messageSchema(
        newMessageRecord({
          id: system,
          agentId: a.id,
          role: "system",
          text: systemPrompt,
          createdAt: a.updatedAt,
        }),
        system,
        agentId,
        modelName,
      ),
    );
    inContext.push(system);
    const window = new Set(a.inContextMessageIds);
    for (let after: string | undefined; ; ) {
      const page = await lmos.store.listMessages(a.id, {
        order: "asc",
        limit: 500,
        ...(after ? { after } : {}),
      });
      if (page.length === 0) break;
      for (const m of page) {
        const local = ids.of("message", m.id);
        messages.push(messageSchema(m, local, agentId, modelName));
        if (m.kind) kinds[local] = m.kind;
      }
      after = page.at(-1)!.id;
    }
    for (const id of a.inContextMessageIds) if (window.has(id)) inContext.push(ids.of("message", id));
  }

  const blocks = view.blocks.map((b) => ({
    value: b.value,
    limit: b.limit,
    project_id: null,
    template_name: null,
    is_template: false,
    template_id: null,
    base_template_id: null,
    deployment_id: null,
    entity_id: null,
    preserve_on_migration: false,
    label: b.label,
    read_only: b.readOnly,
    description: b.description,
    metadata: b.metadata,
    hidden: null,
    id: ids.of("block", b.id),
  }));
  const tools = view.tools.map((t) => ({
    id: ids.of("tool", t.id),
    tool_type: t.toolType,
    description: t.description,
    source_type: t.sourceType,
    name: t.name,
    tags: t.tags,
    source_code: t.sourceCode,
    json_schema: t.jsonSchema,
    args_json_schema: null,
    return_char_limit: t.returnCharLimit,
    pip_requirements: null,
    npm_requirements: null,
    default_requires_approval: t.defaultRequiresApproval ?? null,
    metadata_: t.metadata ?? {},
  }));
  const sources: Json[] = [];
  const files: Json[] = [];
  for (const s of view.sources) {
    const sourceId = ids.of("source", s.id);
    sources.push({
      name: s.name,
      description: s.description,
      instructions: s.instructions,
      metadata: s.metadata,
      embedding_config: embeddingConfig(s.embedding),
      id: sourceId,
    });
    for (const f of await lmos.store.listFiles(s.id, {})) {
      files.push({
        source_id: sourceId,
        file_name: f.fileName,
        original_file_name: f.fileName,
        file_path: null,
        file_type: f.fileType,
        file_size: f.fileSize,
        file_creation_date: null,
        file_last_modified_date: null,
        processing_status: f.status,
        error_message: f.error,
        total_chunks: f.totalChunks,
        chunks_embedded: f.totalChunks,
        content: f.text,
        id: ids.of("file", f.id),
      });
    }
  }

  const passages = await lmos.store.listPassages({ agentId: a.id }, { order: "asc" });
  const extras: LmosAgentExtras = {
    settings: { ...a.settings },
    summary: a.summary,
    memoryEditedAt: a.memoryEditedAt,
    pressureWarned: a.pressureWarned,
    contextWindow: a.contextWindow,
    kinds,
    passages: passages.map((p) => ({ text: p.text, tags: p.tags, createdAt: p.createdAt })),
  };
  const agent = {
    name: a.name,
    memory_blocks: [],
    tools: [],
    tool_ids: tools.map((t) => t.id),
    source_ids: sources.map((s) => s.id),
    block_ids: blocks.map((b) => b.id),
    tool_rules: toolRulesToLetta(a.toolRules),
    tags: a.tags,
    system: a.system,
    agent_type: a.agentType,
    llm_config: llmConfig(view.model, a.settings.heartbeats),
    embedding_config: embeddingConfig(a.embedding),
    initial_message_sequence: null,
    include_base_tools: false,
    include_multi_agent_tools: false,
    include_base_tool_rules: false,
    include_default_source: false,
    description: a.description,
    metadata: a.metadata,
    model: a.model,
    embedding: a.embedding,
    context_window_limit: a.contextWindow,
    message_buffer_autoclear: false,
    enable_sleeptime: false,
    timezone: "UTC",
    id: agentId,
    in_context_message_ids: inContext,
    messages,
    files_agents: [],
    group_ids: [],
  };
  return {
    agents: [agent],
    groups: [],
    blocks,
    files,
    sources,
    tools,
    mcp_servers: [],
    skills: [],
    metadata: { revision_id: "lmos", lmos: JSON.stringify({ version: 1, agents: { [agentId]: extras } }) },
    created_at: new Date().toISOString(),
  };
}
