// The SQL of the tenancy part of the contract (contract/tenancy.ts), one text for both stores (both take
// `?` placeholders and understand ON CONFLICT); only the bound list of ids differs (tenancy modules of
// sqlite/ and postgres/).
import type { ApiKeyRecord, KeyScope } from "./contract/tenancy.ts";

/** The tables, created by SQLite migration v10 and PostgreSQL migration v4. An owner row is never
 * deleted with its resource: ids are never reused, and a stale row costs one index entry. */
export const TENANCY_DDL = `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  project TEXT NOT NULL, scope TEXT NOT NULL, created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);
CREATE INDEX api_keys_created ON api_keys(created_at, id);
CREATE TABLE resource_projects (id TEXT PRIMARY KEY, project TEXT NOT NULL);
CREATE INDEX resource_projects_project ON resource_projects(project, id);
`;

const COLUMNS = "id, name, prefix, hash, project, scope, created_at, last_used_at, revoked_at";

export const INSERT_KEY = `INSERT INTO api_keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const SELECT_KEYS = `SELECT ${COLUMNS} FROM api_keys`;
export const KEY_BY_HASH = `${SELECT_KEYS} WHERE hash = ?`;
export const KEY_BY_ID = `${SELECT_KEYS} WHERE id = ?`;
export const ANY_KEY = "SELECT 1 AS one FROM api_keys LIMIT 1";
export const TOUCH_KEY = "UPDATE api_keys SET last_used_at = ? WHERE id = ?";
export const REVOKE_KEY = "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?";
export const CLAIM = "INSERT INTO resource_projects (id, project) VALUES (?, ?) ON CONFLICT (id) DO NOTHING";

/** The bound values of INSERT_KEY. */
export function keyValues(k: ApiKeyRecord): unknown[] {
  return [k.id, k.name, k.prefix, k.hash, k.project, k.scope, k.createdAt, k.lastUsedAt, k.revokedAt];
}

export interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  project: string;
  scope: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function keyFromRow(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    hash: r.hash,
    project: r.project,
    scope: r.scope as KeyScope,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}
