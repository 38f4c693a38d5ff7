// API keys and resource owners over SQLite (contract/tenancy.ts; the SQL is shared: ../tenancy-sql.ts).
import { LmosError } from "../../errors.ts";
import type { ApiKeyRecord } from "../types.ts";
import * as t from "../tenancy-sql.ts";
import type { Sql } from "./sql.ts";

export function createApiKey(sql: Sql, key: ApiKeyRecord): void {
  sql.run(t.INSERT_KEY, ...t.keyValues(key));
}

export function listApiKeys(sql: Sql): ApiKeyRecord[] {
  return sql.all<t.KeyRow>(`${t.SELECT_KEYS} ORDER BY created_at, id`).map(t.keyFromRow);
}

export function findApiKey(sql: Sql, hash: string): ApiKeyRecord | null {
  const row = sql.get<t.KeyRow>(t.KEY_BY_HASH, hash);
  return row ? t.keyFromRow(row) : null;
}

export function revokeApiKey(sql: Sql, id: string, at: string): ApiKeyRecord {
  return sql.tx(() => {
    if (sql.run(t.REVOKE_KEY, at, id).changes === 0) {
      throw new LmosError("not_found", `API key ${id} not found: \`lmos keys list\` shows the keys`);
    }
    return t.keyFromRow(sql.get<t.KeyRow>(t.KEY_BY_ID, id)!);
  });
}

export function claimResources(sql: Sql, ids: string[], project: string): void {
  sql.tx(() => {
    for (const id of ids) sql.run(t.CLAIM, id, project);
  });
}

export function resourceProjects(sql: Sql, ids: string[]): Map<string, string> {
  if (!ids.length) return new Map();
  const rows = sql.all<{ id: string; project: string }>(
    "SELECT id, project FROM resource_projects WHERE id IN (SELECT value FROM json_each(?))",
    JSON.stringify(ids),
  );
  return new Map(rows.map((r) => [r.id, r.project]));
}
