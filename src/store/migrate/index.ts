// `lmos migrate`'s engine: copy an installation between SQLite and PostgreSQL, verified and resumable.
export { type Endpoint, parseEndpoint } from "./endpoint.ts";
export { type MigrateOptions, type MigrationSummary, migrateInstallation, type TableCheck } from "./run.ts";
