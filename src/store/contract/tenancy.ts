// The Store contract, tenancy: API keys (stored hashed) and which project owns a resource. A resource with
// no owner row belongs to the default project, so rows written before projects existed need no migration
// of their data. Conformance: conformance/tenancy.testkit.ts.
/** The project of every resource made without a project key (LMOS_API_KEY, or an open server). */
export const DEFAULT_PROJECT = "default";

export type KeyScope = "read" | "full";

/** One API key; the secret itself is never stored, only its hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** The first characters of the secret, shown in listings so a user can tell keys apart. */
  prefix: string;
  /** Hex SHA-256 of the whole secret. */
  hash: string;
  project: string;
  scope: KeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A list filtered to the resources of one project (in the query, before paging). */
export interface ProjectFilter {
  project?: string;
}

export interface TenancyStore {
  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** Every key, revoked ones included, oldest first (keys are few: made by hand, one at a time). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** The key with this hash, revoked or not; null when none. */
  findApiKey(hash: string): Promise<ApiKeyRecord | null>;
  /** Whether any key was ever made, revoked ones included: an open server closes as soon as one is, and
   * revoking the last key must not open it again. */
  hasApiKeys(): Promise<boolean>;
  /** Stamps when a key was last used. */
  touchApiKey(id: string, at: string): Promise<void>;
  /** Revokes a key (idempotent: a second revoke keeps the first time); not_found when there is no such key. */
  revokeApiKey(id: string, at: string): Promise<ApiKeyRecord>;
  /** Records `project` as the owner of each id that has no owner yet (the first owner stays). Ids of the
   * default project need no row. */
  claimResources(ids: string[], project: string): Promise<void>;
  /** The owner of each id that has one; ids missing from the map belong to the default project. */
  resourceProjects(ids: string[]): Promise<Map<string, string>>;
}
