// Letta's agent file (.af, AgentFileSchema) → agents in lmos: blocks, tools (built-in ones by name, custom
// ones from their source), sources with their files' text, the agents with their messages and context
// window, and groups among them. Accepts files Letta writes (its extra fields ignored) and lmos's own
// (its `metadata.lmos` extras restore loop settings, summary, message kinds and archival passages).
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import { createAgentSchema, trustedApi, validate } from "../../runtime/index.ts";
import type { Lmos } from "../../runtime/types.ts";
import { DEFAULT_PROJECT, newMessageRecord } from "../../store/index.ts";
import type { ContentPart, MessageRecord, Role, ToolCallRecord } from "../../store/types.ts";
import { createAgentInput } from "../routes/agent-input.ts";
import { createAgentBody } from "../schemas/agents.ts";
import type { LmosAgentExtras } from "./agent-file-export.ts";

const loose = z.looseObject({});
const fileSchema = z.looseObject({
  agents: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })).min(1),
  groups: z.array(loose).default([]),
  blocks: z.array(z.looseObject({ id: z.string(), label: z.string(), value: z.string() })).default([]),
  files: z.array(z.looseObject({ id: z.string(), source_id: z.string(), file_name: z.string() })).default([]),
  sources: z.array(z.looseObject({ id: z.string(), name: z.string() })).default([]),
  tools: z.array(z.looseObject({ id: z.string(), name: z.string() })).default([]),
  mcp_servers: z.array(loose).default([]),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export interface ImportOptions {
  /** Overrides the (first) agent's name. */
  name?: string;
  model?: string;
  embedding?: string;
  /** Letta's override_existing_tools (default true): custom tools in the file replace same-named ones. */
  overrideExistingTools?: boolean;
  /** Letta's strip_messages: import no messages. */
  stripMessages?: boolean;
  /** The project the import is for: everything it makes is that project's, and only that project's tools
   * and folders (or built-in tools) are reused by name. */
  project?: string;
}

type Json = Record<string, any>;

function contentOf(raw: unknown): ContentPart[] {
  if (typeof raw === "string") return [{ type: "text", text: raw }];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p: Json): ContentPart[] => {
    if (p?.type === "text" && typeof p.text === "string") return [{ type: "text", text: p.text }];
    if (p?.type === "reasoning" && typeof p.reasoning === "string")
      return [{ type: "reasoning", text: p.reasoning }];
    if (p?.type === "image" && p.source) {
      return [{ type: "image", url: p.source.url, mediaType: p.source.media_type, data: p.source.data }];
    }
    return [];
  });
}

const ROLES = new Set<Role>(["user", "assistant", "tool"]);

/** The stored messages of a file agent (its system-prompt messages left out: lmos compiles its own). */
function messagesOf(agentId: string, raw: Json[], kinds: Record<string, string>): Map<string, MessageRecord> {
  const out = new Map<string, MessageRecord>();
  for (const m of raw) {
    if (!ROLES.has(m.role)) continue;
    const calls: ToolCallRecord[] = Array.isArray(m.tool_calls)
      ? m.tool_calls.map((c: Json) => ({
          id: String(c.id),
          name: String(c.function?.name ?? ""),
          arguments:
            typeof c.function?.arguments === "string"
              ? c.function.arguments
              : JSON.stringify(c.function?.arguments ?? {}),
        }))
      : [];
    const created =
      typeof m.created_at === "string" && !Number.isNaN(Date.parse(m.created_at))
        ? m.created_at
        : new Date().toISOString();
    out.set(
      String(m.id),
      newMessageRecord({
        agentId,
        role: m.role,
        content: contentOf(m.content),
        toolCalls: calls,
        toolCallId: typeof m.tool_call_id === "string" ? m.tool_call_id : null,
        name: typeof m.name === "string" ? m.name : null,
        kind: kinds[String(m.id)] ?? null,
        createdAt: new Date(created).toISOString(),
      }),
    );
  }
  return out;
}

async function freeName(lmos: Lmos, wanted: string): Promise<string> {
  for (let i = 0; ; i++) {
    const name = i === 0 ? wanted : i === 1 ? `${wanted}_copy` : `${wanted}_copy_${i}`;
    if ((await lmos.store.getAgentByName(name)) === null) return name;
  }
}

/** Imports every agent of an agent file; returns the new agents' ids, in file order. */
export async function importAgentFile(
  lmos: Lmos,
  raw: unknown,
  options: ImportOptions = {},
): Promise<string[]> {
  let json: unknown = raw;
  try {
    // Letta's server also accepts a file whose JSON was encoded twice.
    for (let i = 0; i < 2 && typeof json === "string"; i++) json = JSON.parse(json);
  } catch {
    throw new LmosError("bad_request", "Corrupted agent file format.");
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LmosError(
      "invalid_argument",
      `agent file: ${issue.path.join(".") || "file"}: ${issue.message}`,
    );
  }
  const file = parsed.data;
  let extras: Record<string, LmosAgentExtras> = {};
  try {
    const text = file.metadata?.lmos;
    if (typeof text === "string")
      extras = (JSON.parse(text) as { agents?: Record<string, LmosAgentExtras> }).agents ?? {};
  } catch {
    extras = {}; // a damaged extras field: import what Letta's schema holds
  }

  const project = options.project ?? DEFAULT_PROJECT;
  const ownerOf = async (id: string) => (await lmos.store.resourceProjects([id])).get(id) ?? DEFAULT_PROJECT;
  const made: string[] = [];

  // Blocks, tools and sources first: the agents refer to them by file id.
  const blockIds = new Map<string, string>();
  for (const b of file.blocks as Json[]) {
    const made = await lmos.blocks.create({
      label: b.label,
      value: b.value,
      ...(typeof b.limit === "number" ? { limit: Math.max(b.limit, b.value.length) } : {}),
      ...(typeof b.description === "string" ? { description: b.description } : {}),
      readOnly: b.read_only === true,
      metadata: b.metadata ?? {},
    });
    blockIds.set(b.id, made.id);
  }
  made.push(...blockIds.values());
  const toolIds = new Map<string, string>();
  for (const t of file.tools as Json[]) {
    let existing = await lmos.store.getToolByName(t.name);
    // Another project's custom tool is not this import's to reuse (and upsert refuses to replace it).
    if (existing?.toolType === "custom" && (await ownerOf(existing.id)) !== project && !t.source_code) {
      existing = null;
    }
    const custom = t.tool_type === "custom" && typeof t.source_code === "string" && t.source_code;
    if (custom && (!existing || options.overrideExistingTools !== false)) {
      const tool = await lmos.tools.upsert({
        project,
        sourceCode: t.source_code,
        ...(t.source_type ? { sourceType: t.source_type } : {}),
        ...(t.json_schema ? { jsonSchema: t.json_schema } : {}),
        ...(t.description ? { description: t.description } : {}),
        ...(Array.isArray(t.tags) ? { tags: t.tags } : {}),
        ...(typeof t.return_char_limit === "number" ? { returnCharLimit: t.return_char_limit } : {}),
      });
      toolIds.set(t.id, tool.id);
      if (!existing) made.push(tool.id);
    } else if (existing) {
      toolIds.set(t.id, existing.id); // built-in (or kept) tools by name
    }
  }
  const sourceIds = new Map<string, string>();
  for (const s of file.sources as Json[]) {
    const existing = await lmos.store.getSourceByName(s.name);
    if (existing && (await ownerOf(existing.id)) !== project) {
      throw new LmosError(
        "conflict",
        `agent file: a folder named "${s.name}" exists in another project (folder names are unique across projects); rename it in the file`,
      );
    }
    const source =
      existing ??
      (await lmos.sources.create({
        name: s.name,
        ...(s.description ? { description: s.description } : {}),
        ...(s.instructions ? { instructions: s.instructions } : {}),
        embedding: options.embedding ?? s.embedding_config?.handle ?? null,
      }));
    sourceIds.set(s.id, source.id);
    if (existing) continue;
    made.push(source.id);
    for (const f of (file.files as Json[]).filter(
      (x) => x.source_id === s.id && typeof x.content === "string",
    )) {
      await lmos.sources.upload(source.id, { name: f.file_name, data: new TextEncoder().encode(f.content) });
    }
  }

  const agentIds = new Map<string, string>();
  for (const [i, a] of (file.agents as Json[]).entries()) {
    const extra = extras[a.id];
    const checked = createAgentBody.safeParse({
      ...a,
      name: await freeName(lmos, (i === 0 ? options.name : undefined) ?? a.name ?? "imported"),
      block_ids: (a.block_ids ?? []).map((id: string) => blockIds.get(id)).filter(Boolean),
      tool_ids: (a.tool_ids ?? []).map((id: string) => toolIds.get(id)).filter(Boolean),
      source_ids: (a.source_ids ?? a.folder_ids ?? []).map((id: string) => sourceIds.get(id)).filter(Boolean),
      folder_ids: undefined,
      memory_blocks: a.memory_blocks?.length ? a.memory_blocks : undefined,
      tools: undefined,
      include_base_tools: false,
      model: options.model ?? a.model ?? undefined,
      embedding: options.embedding ?? a.embedding ?? undefined,
      context_window_limit: extra
        ? (extra.contextWindow ?? undefined)
        : (a.context_window_limit ?? a.llm_config?.context_window),
      llm_config: a.llm_config ?? undefined,
      tool_rules: a.tool_rules ?? undefined,
    });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new LmosError(
        "invalid_argument",
        `agent file: agents[${i}].${issue.path.join(".")}: ${issue.message}`,
      );
    }
    const body = checked.data;
    const input = createAgentInput(body);
    if (extra) input.settings = { ...input.settings, ...(extra.settings as object) };
    input.tools = [...new Set([...(input.tools ?? []), ...((body.tool_ids ?? []) as string[])])];
    // Checked once, here, with the library's schema (as the HTTP route's agents are): the trusted create
    // takes it as it is.
    const handle = await trustedApi(lmos).agents.create(validate(createAgentSchema, input, "agent"));
    agentIds.set(a.id, handle.id);
    made.push(handle.id, ...(await lmos.store.agentBlocks(handle.id)).map((b) => b.id));

    const messages = options.stripMessages
      ? new Map()
      : messagesOf(handle.id, a.messages ?? [], extra?.kinds ?? {});
    const window = (a.in_context_message_ids ?? [])
      .map((id: string) => messages.get(id)?.id)
      .filter(Boolean) as string[];
    // The summary: lmos's own, else the text of a Letta summary message in the window.
    const summary = extra?.summary ?? "";
    await lmos.store.commitMessages(handle.id, [...messages.values()], {
      inContextMessageIds: window,
      summary,
      ...(extra ? { memoryEditedAt: extra.memoryEditedAt, pressureWarned: extra.pressureWarned } : {}),
    });
    for (const p of extra?.passages ?? []) {
      const dated = typeof p.createdAt === "string" && !Number.isNaN(Date.parse(p.createdAt));
      await handle.archival.insert(p.text, p.tags, dated ? { createdAt: p.createdAt } : {});
    }
  }

  // Groups whose agents all came with the file.
  for (const g of file.groups as Json[]) {
    const members = (g.agent_ids ?? []).map((id: string) => agentIds.get(id));
    const config = g.manager_config ?? {};
    const manager = config.manager_agent_id ? agentIds.get(config.manager_agent_id) : undefined;
    if (members.some((m: string | undefined) => !m) || (config.manager_agent_id && !manager)) continue;
    const group = await lmos.groups.create({
      agentIds: members,
      description: g.description ?? "",
      managerType: config.manager_type ?? "round_robin",
      ...(manager ? { managerAgentId: manager } : {}),
      ...(config.termination_token ? { terminationToken: config.termination_token } : {}),
      ...(config.max_turns ? { maxTurns: config.max_turns } : {}),
      ...(config.sleeptime_agent_frequency
        ? { sleeptimeAgentFrequency: config.sleeptime_agent_frequency }
        : {}),
      sharedBlockIds: (g.shared_block_ids ?? []).map((id: string) => blockIds.get(id)).filter(Boolean),
    });
    made.push(group.id);
  }
  if (project !== DEFAULT_PROJECT) await lmos.store.claimResources(made, project);
  return [...agentIds.values()];
}
