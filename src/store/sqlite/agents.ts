// Agents, core-memory blocks and tools, and the joins that give an agent its blocks and tools.
import { pushProjectFilter, sharedToolSql } from "../project-filter.ts";
import type { AgentRecord, BlockRecord, McpServerRecord, Page, ProjectFilter, ToolRecord } from "../types.ts";
import { decode, selectList } from "./codec.ts";
import { agentCodec, blockCodec, mcpServerCodec, toolCodec } from "./codecs.ts";
import { pagedSql, type Select, tagCondition } from "./paging.ts";
import {
  agentBlocksJoin,
  agentToolsJoin,
  attach,
  getRecord,
  getRecordBy,
  insertRecord,
  applyPatch,
  joined,
  patchRecord,
} from "./records.ts";
import { readContext, writeContext } from "./context.ts";
import { nowIso } from "../ids.ts";
import type { Sql } from "./sql.ts";

/** Creates an agent with its blocks and tools linked in the given order, atomically. */
export function createAgent(sql: Sql, agent: AgentRecord, blockIds: string[], toolIds: string[]): void {
  sql.tx(() => {
    // Records built before tool rules existed (fixtures, old callers) still insert.
    insertRecord(sql, agentCodec, {
      ...agent,
      toolRules: agent.toolRules ?? [],
      pendingApproval: agent.pendingApproval ?? null,
    });
    writeContext(sql, agent.id, agent.inContextMessageIds, []);
    for (const id of blockIds) attach(sql, agentBlocksJoin, agent.id, id);
    for (const id of toolIds) attach(sql, agentToolsJoin, agent.id, id);
  });
}

/** Agents by name/tags, paged by (created_at, id). */
export function listAgents(
  sql: Sql,
  q: Page & ProjectFilter & { name?: string; tags?: string[]; matchAllTags?: boolean },
): AgentRecord[] {
  const select: Select = { columns: selectList(agentCodec, "a"), from: "agents a", where: [], params: [] };
  if (q.name !== undefined) {
    select.where.push("a.name = ?");
    select.params.push(q.name);
  }
  if (q.tags?.length) select.where.push(tagCondition("a.tags", q.tags, !!q.matchAllTags, select.params));
  pushProjectFilter(select, "a.id", q.project);
  const { sql: text, params } = pagedSql(select, { table: "agents", alias: "a", tiebreak: "id" }, q);
  return sql
    .all<Record<string, unknown>>(text, ...params)
    .map((r) => withContext(sql, decode(agentCodec, r)));
}

function withContext(sql: Sql, a: AgentRecord): AgentRecord;
function withContext(sql: Sql, a: AgentRecord | null): AgentRecord | null;
function withContext(sql: Sql, a: AgentRecord | null): AgentRecord | null {
  if (a) a.inContextMessageIds = readContext(sql, a.id);
  return a;
}

/** The agent with this id, or null. */
export function getAgent(sql: Sql, id: string): AgentRecord | null {
  return withContext(sql, getRecord(sql, agentCodec, id));
}

/** The most recently created agent with this name (names are not unique). */
export function getAgentByName(sql: Sql, name: string): AgentRecord | null {
  return withContext(sql, getRecordBy(sql, agentCodec, "name", name));
}

/** Applies a patch to the agent row and its in-context list (prev gives the stored list) inside the
 * caller's transaction; returns the updatedAt written. not_found when the agent does not exist. */
export function patchAgent(
  sql: Sql,
  id: string,
  patch: Partial<AgentRecord>,
  prev: (id: string) => string[],
): string {
  const updatedAt = patch.updatedAt ?? nowIso();
  // The row first: its write takes the lock, so prev() then reads the latest list.
  applyPatch(sql, agentCodec, id, { ...patch, updatedAt }, "agent");
  if (patch.inContextMessageIds) writeContext(sql, id, patch.inContextMessageIds, prev(id));
  return updatedAt;
}

/** Applies a patch to an agent atomically and returns it. */
export function updateAgent(
  sql: Sql,
  id: string,
  patch: Partial<AgentRecord>,
  prev: (id: string) => string[],
): AgentRecord {
  return sql.tx(() => {
    patchAgent(sql, id, patch, prev);
    return getAgent(sql, id)!;
  });
}

/** Deletes an agent and everything only it owns (messages, archival passages, runs, steps, memory
 * nodes, links); shared blocks, tools and sources stay. Cascades do the work, FTS rows go by trigger. */
export function deleteAgent(sql: Sql, id: string): void {
  sql.run("DELETE FROM agents WHERE id = ?", id);
}

/** Blocks by label, paged. */
export function listBlocks(sql: Sql, q: Page & ProjectFilter & { label?: string }): BlockRecord[] {
  const select: Select = { columns: selectList(blockCodec, "b"), from: "blocks b", where: [], params: [] };
  if (q.label !== undefined) {
    select.where.push("b.label = ?");
    select.params.push(q.label);
  }
  pushProjectFilter(select, "b.id", q.project);
  const { sql: text, params } = pagedSql(select, { table: "blocks", alias: "b", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(blockCodec, r));
}

/** The agent's blocks in attach order. */
export function agentBlocks(sql: Sql, agentId: string): BlockRecord[] {
  return joined(sql, agentBlocksJoin, blockCodec, agentId);
}

/** The agent's tools in attach order. */
export function agentTools(sql: Sql, agentId: string): ToolRecord[] {
  return joined(sql, agentToolsJoin, toolCodec, agentId);
}

/** Creates or updates a tool keyed by name (then by id); returns the stored tool, whose id and
 * createdAt are those of the existing tool when there is one. */
export function upsertTool(sql: Sql, given: ToolRecord): ToolRecord {
  const tool: ToolRecord = { ...given, sandbox: given.sandbox ?? null };
  return sql.tx(() => {
    const existing = getRecordBy(sql, toolCodec, "name", tool.name) ?? getRecord(sql, toolCodec, tool.id);
    if (!existing) {
      insertRecord(sql, toolCodec, { defaultRequiresApproval: false, metadata: {}, ...tool });
      return getRecord(sql, toolCodec, tool.id)!;
    }
    const { id: _id, createdAt: _createdAt, ...patch } = tool;
    return patchRecord(sql, toolCodec, existing.id, patch, "tool");
  });
}

/** Tools by name, paged. */
export function listTools(sql: Sql, q: Page & ProjectFilter & { name?: string }): ToolRecord[] {
  const select: Select = { columns: selectList(toolCodec, "t"), from: "tools t", where: [], params: [] };
  if (q.name !== undefined) {
    select.where.push("t.name = ?");
    select.params.push(q.name);
  }
  pushProjectFilter(select, "t.id", q.project, sharedToolSql("t"));
  const { sql: text, params } = pagedSql(select, { table: "tools", alias: "t", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(toolCodec, r));
}

/** MCP servers, paged by (created_at, id). */
export function listMcpServers(sql: Sql, q: Page & ProjectFilter): McpServerRecord[] {
  const select: Select = {
    columns: selectList(mcpServerCodec, "m"),
    from: "mcp_servers m",
    where: [],
    params: [],
  };
  pushProjectFilter(select, "m.id", q.project);
  const { sql: text, params } = pagedSql(select, { table: "mcp_servers", alias: "m", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(mcpServerCodec, r));
}
