// Configuration from options and environment: where the database lives and which model and embedder new
// agents get. LMOS_DATABASE_URL=postgres://… selects the PostgreSQL store; anything else there is refused.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { LOCAL_EMBEDDING_HANDLE } from "../embed/index.ts";
import { LmosError } from "../errors.ts";
import type { LmosOptions } from "./types.ts";

/** The configuration openLmos resolved. */
export interface ResolvedConfig {
  env: Record<string, string | undefined>;
  home: string;
  databasePath: string;
  /** postgres://… when the PostgreSQL store is selected (then databasePath is unused). */
  databaseUrl: string | null;
  /** Default model handle for new agents (null: none configured; a fallback is used, see defaultModel). */
  defaultModel: string | null;
  /** Default embedding handle for new agents (null: lexical only). */
  defaultEmbedding: string | null;
}

// Used for new agents when no model is configured, so an agent can be created before a provider is set up;
// sending to it then fails with a no_provider error that says what to set.
export const FALLBACK_MODEL = "openai/gpt-4o-mini";

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** Resolves options + env into a configuration; throws LmosError for unsupported settings. */
export function resolveConfig(options: LmosOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const databaseUrl = nonEmpty(options.databaseUrl) ?? nonEmpty(env.LMOS_DATABASE_URL);
  const postgres = databaseUrl !== undefined && /^postgres(ql)?:\/\//i.test(databaseUrl);
  if (databaseUrl && !postgres) {
    throw new LmosError(
      "invalid_argument",
      `LMOS_DATABASE_URL "${databaseUrl}" is not supported: give a postgres://user@host:5432/db URL, or unset ` +
        "it to use the SQLite file in LMOS_HOME",
    );
  }
  const home = resolve(nonEmpty(options.home) ?? nonEmpty(env.LMOS_HOME) ?? join(homedir(), ".lmos"));
  const embedding = nonEmpty(options.embedding) ?? nonEmpty(env.LMOS_EMBEDDING) ?? "none";
  return {
    env,
    home,
    databasePath: join(home, "lmos.db"),
    databaseUrl: postgres ? (databaseUrl as string) : null,
    defaultModel: nonEmpty(options.model) ?? nonEmpty(env.LMOS_MODEL) ?? null,
    defaultEmbedding:
      embedding.toLowerCase() === "none"
        ? null
        : embedding.toLowerCase() === "local"
          ? LOCAL_EMBEDDING_HANDLE
          : embedding,
  };
}
