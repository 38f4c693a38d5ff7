// The filters of passages and messages, one text for both stores (dialect.ts binds the lists).
import type { PassageFilter, Role } from "../types.ts";
import type { Dialect } from "./dialect.ts";
import { type Select, tagCondition } from "./paging.ts";
import { canonicalIso, endBound } from "./time.ts";

/** The conditions (over alias p) and params of a passage filter: agent, sources, file, tags, dates. */
export function passageConditions(
  dialect: Dialect,
  filter: PassageFilter,
): { where: string[]; params: unknown[] } {
  const w: string[] = [];
  const params: unknown[] = [];
  if (filter.agentId !== undefined) {
    w.push("p.agent_id = ?");
    params.push(filter.agentId);
  }
  if (filter.sourceIds !== undefined) w.push(dialect.oneOf("p.source_id", filter.sourceIds, params));
  if (filter.fileId !== undefined) {
    w.push("p.file_id = ?");
    params.push(filter.fileId);
  }
  if (filter.tags?.length)
    w.push(tagCondition(dialect, "p.tags", filter.tags, filter.tagMatch === "all", params));
  if (filter.start !== undefined) {
    w.push("p.created_at >= ?");
    params.push(canonicalIso(filter.start));
  }
  if (filter.end !== undefined) {
    w.push("p.created_at <= ?");
    params.push(endBound(filter.end));
  }
  return { where: w, params };
}

/** Adds a message filter's conditions (over alias m: roles, dates) to a select. */
export function addMessageConditions(
  dialect: Dialect,
  select: Select,
  q: { roles?: Role[]; start?: string; end?: string },
): void {
  if (q.roles?.length) select.where.push(dialect.oneOf("m.role", q.roles, select.params));
  if (q.start !== undefined) {
    select.where.push("m.created_at >= ?");
    select.params.push(canonicalIso(q.start));
  }
  if (q.end !== undefined) {
    select.where.push("m.created_at <= ?");
    select.params.push(endBound(q.end));
  }
}
