// The condition that keeps a list to one project's rows, one text for both stores (both take `?`
// placeholders). It goes into the list's WHERE, so paging and limits count only the project's rows.
import { DEFAULT_PROJECT } from "./contract/tenancy.ts";

/** Pushes onto `where`/`params` the condition "the row whose id is `idColumn` belongs to `project`";
 * nothing when no project is asked for (the unscoped, internal view). `shared` is an extra SQL condition
 * under which a row is visible to every project (built-in tools). */
export function pushProjectFilter(
  select: { where: string[]; params: unknown[] },
  idColumn: string,
  project: string | undefined,
  shared?: string,
): void {
  if (project === undefined) return;
  let own: string;
  if (project === DEFAULT_PROJECT) {
    own = `NOT EXISTS (SELECT 1 FROM resource_projects rp WHERE rp.id = ${idColumn})`;
  } else {
    own = `EXISTS (SELECT 1 FROM resource_projects rp WHERE rp.id = ${idColumn} AND rp.project = ?)`;
    select.params.push(project);
  }
  select.where.push(shared ? `(${own} OR ${shared})` : own);
}

/** Built-in tools (every tool_type but custom and MCP) are shared by all projects (read-only to others). */
export const sharedToolSql = (alias: string) => `${alias}.tool_type NOT IN ('custom', 'external_mcp')`;
