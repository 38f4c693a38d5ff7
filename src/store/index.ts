// The store layer's public face: the Store contract, id helpers, the embedded SQLite store and the
// PostgreSQL store.
export * from "./types.ts";
export { applyBlockEdit, BlockEditError } from "./block-edits.ts";
export { type IdPrefix, newId, nowIso } from "./ids.ts";
export { DEFAULT_PROJECT } from "./contract/tenancy.ts";
export { DEFAULT_AGENT_SETTINGS, newAgentRecord } from "./agent-record.ts";
export { messageText, newMessageRecord } from "./message-record.ts";
export { openSqliteStore, type SqliteOptions } from "./sqlite/open.ts";
export type { VectorIndexEvent, VectorSearchOptions } from "./sqlite/passage-vectors.ts";
export {
  openPostgresStore,
  type PostgresOptions,
  redact as redactDatabaseUrl,
} from "./postgres/open.ts";
export {
  type Endpoint as MigrationEndpoint,
  type MigrateOptions,
  type MigrationSummary,
  migrateInstallation,
  parseEndpoint as parseMigrationEndpoint,
  type TableCheck,
} from "./migrate/index.ts";
