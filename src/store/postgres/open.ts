// Opening the PostgreSQL store: a pool on the URL, the schema lmos keeps its tables in (default "lmos",
// or `?schema=` on the URL), migrations, and whether pgvector is on.
import { LmosError } from "../../errors.ts";
import type { Store } from "../types.ts";
import { Db } from "./db.ts";
import { hasPgvector, migrate } from "./migrations.ts";
import { PostgresStore } from "./store.ts";
import { translate } from "./translate.ts";

export interface PostgresOptions {
  /** The schema of lmos's tables (created when missing); overrides `?schema=` on the URL. */
  schema?: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Runs after the pool has closed (tests drop their schema here). */
  onClose?: () => Promise<void>;
}

export const DEFAULT_SCHEMA = "lmos";

/** The connection string without lmos's own `schema` parameter, and that schema. */
export function parseDatabaseUrl(url: string): { connectionString: string; schema: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LmosError(
      "invalid_argument",
      `"${url}" is not a postgres:// URL (postgres://user@host:5432/db)`,
    );
  }
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema };
}

/** Opens (migrating as needed) the lmos store in a PostgreSQL database. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  const { connectionString, schema: fromUrl } = parseDatabaseUrl(url);
  const schema = options.schema ?? fromUrl ?? DEFAULT_SCHEMA;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new LmosError("invalid_argument", `schema "${schema}" must be letters, digits and _ (at most 63)`);
  }
  const db = new Db(connectionString, schema, options.poolSize ?? 10);
  let pgvector: boolean;
  try {
    await migrate(db, schema);
    pgvector = await hasPgvector(db, schema);
  } catch (e) {
    await db.close().catch(() => {});
    const t = translate(e);
    if (t instanceof LmosError) throw t;
    throw new LmosError(
      "internal",
      `cannot open the PostgreSQL store at ${redact(url)}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const store = new PostgresStore(db, pgvector, options.onClose);
  try {
    await store.startHeartbeat(store.runOwner);
  } catch (e) {
    await store.close().catch(() => {});
    throw translate(e);
  }
  return store;
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
