// API keys and resource owners over PostgreSQL (contract/tenancy.ts; the SQL is shared: ../tenancy-sql.ts).
import { LmosError } from "../../errors.ts";
import type { ApiKeyRecord } from "../types.ts";
import * as t from "../tenancy-sql.ts";
import type { Q } from "./db.ts";

export async function listApiKeys(q: Q): Promise<ApiKeyRecord[]> {
  return (await q.all<t.KeyRow>(`${t.SELECT_KEYS} ORDER BY created_at, id`)).map(t.keyFromRow);
}

export async function findApiKey(q: Q, hash: string): Promise<ApiKeyRecord | null> {
  const row = await q.get<t.KeyRow>(t.KEY_BY_HASH, hash);
  return row ? t.keyFromRow(row) : null;
}

export async function revokeApiKey(q: Q, id: string, at: string): Promise<ApiKeyRecord> {
  if ((await q.run(t.REVOKE_KEY, at, id)) === 0) {
    throw new LmosError("not_found", `API key ${id} not found: \`lmos keys list\` shows the keys`);
  }
  return t.keyFromRow((await q.get<t.KeyRow>(t.KEY_BY_ID, id))!);
}

export async function claimResources(q: Q, ids: string[], project: string): Promise<void> {
  for (const id of ids) await q.run(t.CLAIM, id, project);
}

export async function resourceProjects(q: Q, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await q.all<{ id: string; project: string }>(
    "SELECT id, project FROM resource_projects WHERE id = ANY(?::text[])",
    ids,
  );
  return new Map(rows.map((r) => [r.id, r.project]));
}
